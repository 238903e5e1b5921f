#include "transfer/id_mapping.h"

#include <grp.h>
#include <pwd.h>

#include <charconv>

#include <fmt/format.h>

namespace lifeboat::transfer {

using core::Result;
using core::Status;

namespace {

std::optional<std::uint32_t> parse_id(std::string_view text, bool is_group) {
  if (text.empty()) return std::nullopt;
  std::uint32_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec == std::errc() && ptr == text.data() + text.size()) return id;
  std::string name(text);
  if (is_group) {
    if (const group* gr = ::getgrnam(name.c_str())) return gr->gr_gid;
  } else {
    if (const passwd* pw = ::getpwnam(name.c_str())) return pw->pw_uid;
  }
  return std::nullopt;
}

}  // namespace

Result<IdMapping> IdMapping::parse(std::string_view spec, bool is_group, std::string_view option) {
  IdMapping m;
  if (spec == "preserve" || spec.empty()) return m;
  if (spec == "none") {
    m.mode_ = Mode::kNone;
    return m;
  }
  if (spec == "home") {
    m.mode_ = Mode::kHome;
    return m;
  }
  constexpr std::string_view kPrefix = "map:";
  if (spec.substr(0, kPrefix.size()) != kPrefix) {
    return Status::invalid_argument(fmt::format(
        "{} '{}': expected preserve, none, home or map:OLD=NEW[,OLD=NEW...]", option, spec));
  }
  m.mode_ = Mode::kMap;
  std::string_view rest = spec.substr(kPrefix.size());
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view pair = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t eq = pair.find('=');
    auto from = parse_id(pair.substr(0, eq), is_group);
    auto to = eq == std::string_view::npos ? std::nullopt : parse_id(pair.substr(eq + 1), is_group);
    if (!from || !to) {
      return Status::invalid_argument(
          fmt::format("{} '{}': '{}' is not OLD=NEW with numeric ids or known {} names", option,
                      spec, pair, is_group ? "group" : "user"));
    }
    m.map_[*from] = *to;
  }
  if (m.map_.empty()) {
    return Status::invalid_argument(
        fmt::format("{} '{}': map: needs at least one OLD=NEW", option, spec));
  }
  return m;
}

IdMapping IdMapping::resolved_for_roots(std::uint32_t source_root_id,
                                        std::uint32_t target_root_id) const {
  if (mode_ != Mode::kHome) return *this;
  IdMapping m;
  if (source_root_id == target_root_id) return m;
  m.mode_ = Mode::kMap;
  m.map_[source_root_id] = target_root_id;
  return m;
}

std::optional<std::uint32_t> IdMapping::apply(std::uint32_t id) const {
  if (mode_ == Mode::kNone) return std::nullopt;
  auto it = map_.find(id);
  return it == map_.end() ? id : it->second;
}

std::string IdMapping::to_string() const {
  if (mode_ == Mode::kPreserve) return "preserve";
  if (mode_ == Mode::kNone) return "none";
  if (mode_ == Mode::kHome) return "home";
  std::string out = "map:";
  for (const auto& [from, to] : map_) {
    if (out.size() > 4) out += ',';
    out += fmt::format("{}={}", from, to);
  }
  return out;
}

}  // namespace lifeboat::transfer

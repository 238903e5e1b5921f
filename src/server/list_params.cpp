#include "server/list_params.h"

#include <charconv>
#include <optional>

#include <fmt/format.h>

#include "transfer/copy_report.h"

namespace lifeboat::server {
namespace {

using core::Result;
using core::Status;

const std::vector<std::string_view> kPageParams = {"limit", "cursor"};

std::vector<std::string_view> with_page_params(std::vector<std::string_view> names) {
  names.insert(names.end(), kPageParams.begin(), kPageParams.end());
  return names;
}

std::optional<std::string> param(const ListParams& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// Printable text for a message: at most 64 bytes of it, control bytes as '?'.
std::string shown(std::string_view text) {
  std::string out(text.substr(0, 64));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return text.size() > 64 ? out + "..." : out;
}

// Valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF) without
// control characters: what a profile name can start with, and what PostgreSQL accepts.
bool printable_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Rewords a parser's "<what> must be ..." so it names the parameter.
template <typename T>
Result<T> naming(Result<T> r, std::string_view name) {
  if (r.is_ok()) return r;
  return Status::invalid_argument(fmt::format("parameter '{}': {}", name, r.status().message()));
}

}  // namespace

const std::vector<std::string_view> kProfileListParams =
    with_page_params({"domain", "kind", "status", "replication", "prefix", "sort"});
const std::vector<std::string_view> kHistoryListParams = with_page_params({"sort"});
const std::vector<std::string_view> kExecutionListParams =
    with_page_params({"status", "profile", "sort"});
const std::vector<std::string_view> kTransferListParams = with_page_params({"status", "domain"});
const std::vector<std::string_view> kPlainListParams = kPageParams;

Status check_known_params(const ListParams& params, const std::vector<std::string_view>& allowed) {
  for (const auto& [name, value] : params) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "'" : ", '") + std::string(a) + "'";
    return Status::invalid_argument(
        fmt::format("unknown parameter '{}'; this list accepts {}", shown(name), list));
  }
  return Status::ok();
}

Result<store::PageRequest> page_from_params(const ListParams& params) {
  store::PageRequest page;
  if (auto text = param(params, "limit")) {
    std::int64_t limit = 0;
    const char* end = text->data() + text->size();
    auto [ptr, ec] = std::from_chars(text->data(), end, limit);
    if (ec != std::errc() || ptr != end) {
      return Status::invalid_argument(
          fmt::format("parameter 'limit' must be a whole number from 1 to {}, not '{}'",
                      store::kMaxPageLimit, shown(*text)));
    }
    LIFEBOAT_RETURN_IF_ERROR(store::check_page_limit(limit));
    page.limit = limit;
  }
  if (auto cursor = param(params, "cursor")) {
    if (cursor->size() > store::kMaxCursorLength) {
      return Status::invalid_argument(
          fmt::format("parameter 'cursor' is longer than {} characters; pass the nextCursor of "
                      "the previous page unchanged",
                      store::kMaxCursorLength));
    }
    page.cursor = *cursor;
  }
  return page;
}

Result<store::ProfileQuery> profile_query_from_params(const ListParams& params) {
  store::ProfileQuery q;
  q.domain_name = param(params, "domain");
  if (auto kind = param(params, "kind")) {
    LIFEBOAT_ASSIGN_OR_RETURN(q.kind, core::parse_profile_kind(*kind, "parameter 'kind'"));
  }
  if (auto status = param(params, "status")) {
    LIFEBOAT_ASSIGN_OR_RETURN(q.status, naming(core::parse_profile_status(*status), "status"));
  }
  if (auto replication = param(params, "replication")) {
    if (*replication != "on" && *replication != "off") {
      return Status::invalid_argument(fmt::format(
          "parameter 'replication' must be 'on' or 'off', not '{}'", shown(*replication)));
    }
    q.replication = *replication == "on";
  }
  if (auto prefix = param(params, "prefix")) {
    if (prefix->size() > store::kMaxNamePrefixLength || !printable_utf8(*prefix)) {
      return Status::invalid_argument(fmt::format(
          "parameter 'prefix' must be UTF-8 text without control characters, at most {} bytes",
          store::kMaxNamePrefixLength));
    }
    q.name_prefix = *prefix;
  }
  if (auto sort = param(params, "sort")) {
    LIFEBOAT_ASSIGN_OR_RETURN(q.sort, store::parse_profile_sort(*sort));
  }
  return q;
}

Result<store::HistorySort> history_sort_from_params(const ListParams& params,
                                                    store::HistorySort fallback) {
  auto sort = param(params, "sort");
  if (!sort) return fallback;
  return store::parse_history_sort(*sort);
}

Result<store::ExecutionQuery> execution_query_from_params(const ListParams& params) {
  store::ExecutionQuery q;
  if (auto status = param(params, "status")) {
    LIFEBOAT_ASSIGN_OR_RETURN(q.status, naming(store::parse_execution_status(*status), "status"));
  }
  if (auto profile = param(params, "profile")) {
    const std::size_t first = profile->find('/');
    const std::size_t second =
        first == std::string::npos ? std::string::npos : profile->find('/', first + 1);
    if (second == std::string::npos || first == 0 || second + 1 == profile->size()) {
      return Status::invalid_argument(
          fmt::format("parameter 'profile' must be DOMAIN/KIND/NAME (kind 'user' or 'space'), "
                      "not '{}'",
                      shown(*profile)));
    }
    core::ProfileKey key;
    key.domain_name = profile->substr(0, first);
    LIFEBOAT_ASSIGN_OR_RETURN(
        key.kind, core::parse_profile_kind(profile->substr(first + 1, second - first - 1),
                                           "parameter 'profile': the kind"));
    key.name = profile->substr(second + 1);
    q.profile = key;
  }
  if (auto sort = param(params, "sort")) {
    LIFEBOAT_ASSIGN_OR_RETURN(q.sort, store::parse_execution_sort(*sort));
  }
  return q;
}

Result<store::TransferQuery> transfer_query_from_params(const ListParams& params) {
  store::TransferQuery q;
  if (auto status = param(params, "status")) {
    bool known = false;
    for (auto c : {transfer::CopyStatus::kSuccess, transfer::CopyStatus::kPartial,
                   transfer::CopyStatus::kError}) {
      known = known || *status == transfer::copy_status_name(c);
    }
    if (!known) {
      return Status::invalid_argument(fmt::format(
          "parameter 'status' must be 'SUCCESS', 'PARTIAL' or 'ERROR', not '{}'", shown(*status)));
    }
    q.status = *status;
  }
  q.domain_name = param(params, "domain");
  return q;
}

}  // namespace lifeboat::server

#include "aws/shared_config.h"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

namespace lifeboat::aws {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// An absent file is an empty one (most machines have neither); any other failure to read
// is the administrator's to fix.
core::Result<std::string> read_optional_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) return std::string();
    return core::Status::failed_precondition(fmt::format(
        "cannot read the {} '{}': {}; fix its permissions or point {} elsewhere", what, path,
        std::generic_category().message(err),
        what == "shared credentials file" ? "AWS_SHARED_CREDENTIALS_FILE" : "AWS_CONFIG_FILE"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string file_path(const Environment& env, std::string_view variable,
                      std::string_view default_name) {
  std::optional<std::string> path = non_empty(env, variable);
  std::string home = non_empty(env, "HOME").value_or("");
  if (!path) return fmt::format("{}/.aws/{}", home, default_name);
  if (path->starts_with("~/")) return home + path->substr(1);
  return *path;
}

}  // namespace

core::Result<IniFile> parse_ini(std::string_view text, std::string_view what) {
  IniFile ini;
  std::map<std::string, std::string>* section = nullptr;
  std::string last_key;  // the key an indented line belongs to
  bool last_key_empty = false;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string_view raw = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (!indented && line.front() == '[') {
      if (line.back() != ']') {
        return core::Status::invalid_argument(
            fmt::format("{} line {}: a section header must end with ']'", what, line_no));
      }
      section = &ini.sections[std::string(trim(line.substr(1, line.size() - 2)))];
      last_key.clear();
      continue;
    }
    std::size_t eq = line.find('=');
    if (section == nullptr || eq == std::string_view::npos) {
      return core::Status::invalid_argument(
          fmt::format("{} line {}: expected '[section]' or 'name = value'{}", what, line_no,
                      section == nullptr ? " inside a section" : ""));
    }
    std::string key = lower(trim(line.substr(0, eq)));
    std::string value(trim(line.substr(eq + 1)));
    if (indented && !last_key.empty() && last_key_empty) {
      (*section)[last_key + "." + key] = value;
      continue;
    }
    (*section)[key] = value;
    last_key = key;
    last_key_empty = value.empty();
  }
  return ini;
}

std::string resolve_profile_name(std::string_view configured, const Environment& env) {
  if (!configured.empty()) return std::string(configured);
  return non_empty(env, "AWS_PROFILE").value_or("default");
}

core::Result<SharedConfig> SharedConfig::load(const Environment& env, std::string profile) {
  std::string credentials_path = file_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials");
  std::string config_path = file_path(env, "AWS_CONFIG_FILE", "config");
  LIFEBOAT_ASSIGN_OR_RETURN(std::string credentials_text,
                            read_optional_file(credentials_path, "shared credentials file"));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string config_text,
                            read_optional_file(config_path, "shared config file"));
  SharedConfig out;
  out.profile_ = std::move(profile);
  LIFEBOAT_ASSIGN_OR_RETURN(
      out.credentials_,
      parse_ini(credentials_text, fmt::format("shared credentials file '{}'", credentials_path)));
  LIFEBOAT_ASSIGN_OR_RETURN(
      out.config_, parse_ini(config_text, fmt::format("shared config file '{}'", config_path)));
  out.credentials_path_ = std::move(credentials_path);
  out.config_path_ = std::move(config_path);
  return out;
}

core::Result<SharedConfig> SharedConfig::from_texts(std::string profile,
                                                    std::string_view credentials,
                                                    std::string_view config) {
  SharedConfig out;
  out.profile_ = std::move(profile);
  LIFEBOAT_ASSIGN_OR_RETURN(out.credentials_, parse_ini(credentials, "shared credentials file"));
  LIFEBOAT_ASSIGN_OR_RETURN(out.config_, parse_ini(config, "shared config file"));
  return out;
}

const SharedConfig::Section* SharedConfig::credentials_section() const {
  auto it = credentials_.sections.find(profile_);
  return it == credentials_.sections.end() ? nullptr : &it->second;
}

const SharedConfig::Section* SharedConfig::config_section() const {
  auto it = config_.sections.find("profile " + profile_);
  if (it != config_.sections.end()) return &it->second;
  // The AWS CLI reads the default profile from a plain [default]; other profiles need the
  // "profile " prefix in this file.
  if (profile_ == "default") {
    it = config_.sections.find("default");
    if (it != config_.sections.end()) return &it->second;
  }
  return nullptr;
}

std::optional<std::string> SharedConfig::config_value(std::string_view key) const {
  const Section* section = config_section();
  if (section == nullptr) return std::nullopt;
  auto it = section->find(std::string(key));
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace lifeboat::aws

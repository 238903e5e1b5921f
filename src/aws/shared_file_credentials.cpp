#include "aws/shared_file_credentials.h"

#include <fmt/format.h>

namespace lifeboat::aws {
namespace {

std::string value_of(const SharedConfig::Section& section, const std::string& key) {
  auto it = section.find(key);
  return it == section.end() ? std::string() : it->second;
}

// Keys from one section: nullopt when it has neither key, an error when it has only one.
core::Result<std::optional<Credentials>> keys_from(const SharedConfig::Section* section,
                                                   const std::string& where,
                                                   const std::string& source) {
  if (section == nullptr) return std::optional<Credentials>();
  std::string key_id = value_of(*section, "aws_access_key_id");
  std::string secret = value_of(*section, "aws_secret_access_key");
  if (key_id.empty() && secret.empty()) return std::optional<Credentials>();
  if (key_id.empty() || secret.empty()) {
    return core::Status::failed_precondition(
        fmt::format("{} has {} but no {}: add the missing key or remove the other", where,
                    key_id.empty() ? "aws_secret_access_key" : "aws_access_key_id",
                    key_id.empty() ? "aws_access_key_id" : "aws_secret_access_key"));
  }
  Credentials creds;
  creds.access_key_id = key_id;
  creds.secret_access_key = secret;
  creds.session_token = value_of(*section, "aws_session_token");
  creds.source = source;
  return std::optional<Credentials>(std::move(creds));
}

}  // namespace

core::Result<Credentials> SharedFileCredentials::load() {
  const std::string& profile = config_->profile();
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::optional<Credentials> from_credentials,
      keys_from(config_->credentials_section(),
                fmt::format("profile '{}' in '{}'", profile, config_->credentials_path()),
                fmt::format("shared credentials file (profile {})", profile)));
  if (from_credentials) return std::move(*from_credentials);
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::optional<Credentials> from_config,
      keys_from(config_->config_section(),
                fmt::format("profile '{}' in '{}'", profile, config_->config_path()),
                fmt::format("shared config file (profile {})", profile)));
  if (from_config) return std::move(*from_config);
  if (explicit_ && config_->credentials_section() == nullptr &&
      config_->config_section() == nullptr) {
    return core::Status::failed_precondition(fmt::format(
        "the AWS profile '{}' is in neither '{}' ([{}]) nor '{}' ([profile {}]): add it, or "
        "name another profile",
        profile, config_->credentials_path(), profile, config_->config_path(), profile));
  }
  return core::Status::not_found(fmt::format("profile '{}' keys in '{}' and '{}' (none there)",
                                             profile, config_->credentials_path(),
                                             config_->config_path()));
}

}  // namespace lifeboat::aws

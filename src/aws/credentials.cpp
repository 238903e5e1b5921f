#include "aws/credentials.h"

#include <fmt/format.h>

#include "core/json.h"
#include "core/time_format.h"

namespace lifeboat::aws {

std::string Credentials::describe() const {
  return fmt::format("{}, access key id {}", source.empty() ? "unknown source" : source,
                     access_key_id);
}

core::Result<Credentials> credentials_from_json(std::string_view body, std::string_view what,
                                                std::string source) {
  // parse_json quotes bytes of a malformed document in its message: it could quote a
  // secret, so its message is not passed on.
  auto parsed = core::parse_json(body, what);
  if (!parsed.is_ok() || !parsed->is_object()) {
    return core::Status::unavailable(fmt::format("{}: the answer is not a JSON object", what));
  }
  const core::Json& json = *parsed;
  auto field = [&](const char* key) -> std::string {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  Credentials creds;
  creds.access_key_id = field("AccessKeyId");
  creds.secret_access_key = field("SecretAccessKey");
  creds.session_token = field("Token");
  if (creds.access_key_id.empty() || creds.secret_access_key.empty()) {
    return core::Status::unavailable(
        fmt::format("{}: the answer has no AccessKeyId or SecretAccessKey", what));
  }
  std::string expiration = field("Expiration");
  if (!expiration.empty()) {
    auto when = core::parse_rfc3339(expiration);
    if (!when.is_ok()) {
      return core::Status::unavailable(
          fmt::format("{}: Expiration '{}' is not an RFC 3339 time", what, expiration));
    }
    creds.expiration = *when;
  }
  creds.source = std::move(source);
  return creds;
}

}  // namespace lifeboat::aws

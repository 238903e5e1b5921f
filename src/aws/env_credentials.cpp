#include "aws/env_credentials.h"

namespace lifeboat::aws {

core::Result<Credentials> EnvCredentials::load() {
  std::optional<std::string> key_id = non_empty(env_, "AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = non_empty(env_, "AWS_SECRET_ACCESS_KEY");
  if (!key_id && !secret) {
    return core::Status::not_found(
        "environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (not set)");
  }
  if (!key_id || !secret) {
    return core::Status::failed_precondition(
        key_id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both or neither"
               : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both or neither");
  }
  Credentials creds;
  creds.access_key_id = *key_id;
  creds.secret_access_key = *secret;
  creds.session_token = non_empty(env_, "AWS_SESSION_TOKEN").value_or("");
  creds.source = "environment";
  return creds;
}

}  // namespace lifeboat::aws

#include "aws/web_identity_credentials.h"

#include <fmt/format.h>

#include "aws/endpoint.h"
#include "aws/service_error.h"
#include "aws/xml_text.h"
#include "core/file_text.h"
#include "core/time_format.h"

namespace lifeboat::aws {
namespace {

constexpr std::chrono::seconds kStsTimeout{10};

std::string form_pair(std::string_view name, std::string_view value) {
  return fmt::format("{}={}", name, uri_encode(value, false));
}

}  // namespace

WebIdentityCredentials::WebIdentityCredentials(Environment env,
                                               std::shared_ptr<const SharedConfig> shared,
                                               std::string region,
                                               std::shared_ptr<HttpTransport> http,
                                               const core::Clock& clock)
    : env_(std::move(env)),
      shared_(std::move(shared)),
      region_(std::move(region)),
      http_(std::move(http)),
      clock_(clock) {}

core::Result<Credentials> WebIdentityCredentials::load() {
  // The variables win over the profile, as a pair.
  std::optional<std::string> token_file = non_empty(env_, "AWS_WEB_IDENTITY_TOKEN_FILE");
  std::optional<std::string> role_arn = non_empty(env_, "AWS_ROLE_ARN");
  std::optional<std::string> session_name = non_empty(env_, "AWS_ROLE_SESSION_NAME");
  std::string from = "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN";
  if (!token_file && !role_arn) {
    token_file = shared_->config_value("web_identity_token_file");
    role_arn = shared_->config_value("role_arn");
    if (!session_name) session_name = shared_->config_value("role_session_name");
    from = fmt::format("profile '{}' in '{}'", shared_->profile(), shared_->config_path());
    if (!token_file) {
      return core::Status::not_found(
          fmt::format("web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (not set), "
                      "web_identity_token_file in profile '{}' of '{}' (none)",
                      shared_->profile(), shared_->config_path()));
    }
  }
  if (!token_file || !role_arn) {
    return core::Status::failed_precondition(
        fmt::format("web identity from {}: {} is missing; set both the token file and the role ARN",
                    from, token_file ? "the role ARN" : "the token file"));
  }
  // read_file_text's message names the path and the reason, never the contents.
  LIFEBOAT_ASSIGN_OR_RETURN(std::string token,
                            core::read_file_text(*token_file, "web identity token file"));
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) {
    return core::Status::failed_precondition(
        fmt::format("the web identity token file '{}' is empty", *token_file));
  }
  std::string session = session_name.value_or(fmt::format(
      "lifeboat-{}",
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
          .count()));

  LIFEBOAT_ASSIGN_OR_RETURN(std::string endpoint,
                            resolve_endpoint(sts_service(), region_, "", env_, *shared_));
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint + "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                     {"Accept", "text/xml"}};
  request.body =
      fmt::format("{}&{}&{}&{}&{}", form_pair("Action", "AssumeRoleWithWebIdentity"),
                  form_pair("Version", "2011-06-15"), form_pair("RoleArn", *role_arn),
                  form_pair("RoleSessionName", session), form_pair("WebIdentityToken", token));
  request.connect_timeout = std::chrono::seconds(5);
  request.timeout = kStsTimeout;

  std::string what = fmt::format("STS AssumeRoleWithWebIdentity for role '{}' at {}", *role_arn,
                                 host_of_url(endpoint));
  auto response = http_->send(request);
  if (!response.is_ok()) {
    return core::Status(response.status().code() == core::StatusCode::kTimeout
                            ? core::StatusCode::kUnavailable
                            : response.status().code(),
                        redact(fmt::format("{}: {}", what, response.status().message()), {token}));
  }
  const std::string& body = response->body;
  if (response->status != 200) {
    std::string code = xml_element_text(body, "Code").value_or("error");
    std::string message = xml_element_text(body, "Message").value_or("");
    std::string text = redact(fmt::format("{}: {}{}{} (HTTP {})", what, code,
                                          message.empty() ? "" : ": ", message, response->status),
                              {token});
    // A refused token or role is the administrator's to fix; a throttled or failing STS
    // may answer next time.
    if (response->status >= 500 || code == "Throttling" || code == "IDPCommunicationError") {
      return core::Status::unavailable(text);
    }
    return core::Status::permission_denied(text);
  }
  Credentials creds;
  creds.access_key_id = xml_element_text(body, "AccessKeyId").value_or("");
  creds.secret_access_key = xml_element_text(body, "SecretAccessKey").value_or("");
  creds.session_token = xml_element_text(body, "SessionToken").value_or("");
  std::optional<std::string> expiration = xml_element_text(body, "Expiration");
  if (creds.access_key_id.empty() || creds.secret_access_key.empty() ||
      creds.session_token.empty() || !expiration) {
    return core::Status::unavailable(fmt::format(
        "{}: the answer lacks AccessKeyId, SecretAccessKey, SessionToken or Expiration", what));
  }
  auto when = core::parse_rfc3339(*expiration);
  if (!when.is_ok()) {
    return core::Status::unavailable(
        fmt::format("{}: Expiration '{}' is not an RFC 3339 time", what, *expiration));
  }
  creds.expiration = *when;
  creds.source = "web identity";
  return creds;
}

}  // namespace lifeboat::aws

#include "aws/instance_metadata_credentials.h"

#include <fmt/format.h>

#include "aws/endpoint.h"
#include "aws/service_error.h"

namespace lifeboat::aws {
namespace {

constexpr std::string_view kDefaultEndpoint = "http://169.254.169.254";
constexpr std::string_view kRolePath = "/latest/meta-data/iam/security-credentials/";

HttpRequest imds_request(std::string method, std::string url) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.connect_timeout = std::chrono::seconds(1);
  request.timeout = std::chrono::seconds(2);
  return request;
}

}  // namespace

core::Result<Credentials> InstanceMetadataCredentials::load() {
  std::optional<std::string> disabled = non_empty(env_, "AWS_EC2_METADATA_DISABLED");
  if (disabled && (*disabled == "true" || *disabled == "TRUE" || *disabled == "True")) {
    return core::Status::not_found("instance metadata (disabled by AWS_EC2_METADATA_DISABLED)");
  }
  std::string endpoint =
      non_empty(env_, "AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or(std::string(kDefaultEndpoint));
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  std::string host = host_of_url(endpoint);

  HttpRequest token_request = imds_request("PUT", endpoint + "/latest/api/token");
  token_request.headers = {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  auto token_response = http_->send(token_request);
  if (!token_response.is_ok()) {
    return core::Status::not_found(fmt::format("instance metadata at {} (no answer: {})", host,
                                               token_response.status().message()));
  }
  if (token_response->status != 200 || token_response->body.empty()) {
    return core::Status::not_found(fmt::format(
        "instance metadata at {} (no IMDSv2 session token: HTTP {}; Lifeboat uses IMDSv2 only)",
        host, token_response->status));
  }
  const std::string token = token_response->body;

  auto get = [&](const std::string& path) -> core::Result<HttpResponse> {
    HttpRequest request = imds_request("GET", endpoint + path);
    request.headers = {{"x-aws-ec2-metadata-token", token}};
    auto response = http_->send(request);
    if (!response.is_ok()) {
      return core::Status::unavailable(redact(
          fmt::format("instance metadata at {}: {}", host, response.status().message()), {token}));
    }
    return response;
  };
  LIFEBOAT_ASSIGN_OR_RETURN(HttpResponse roles, get(std::string(kRolePath)));
  if (roles.status == 404) {
    return core::Status::not_found(
        fmt::format("instance metadata at {} (no IAM role attached to the instance)", host));
  }
  std::string role = roles.body.substr(0, roles.body.find('\n'));
  if (roles.status != 200 || role.empty() || role.find('/') != std::string::npos) {
    return core::Status::unavailable(fmt::format(
        "instance metadata at {}: the IAM role list answered HTTP {} without a role name", host,
        roles.status));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(HttpResponse keys, get(std::string(kRolePath) + role));
  if (keys.status != 200) {
    return core::Status::unavailable(
        fmt::format("instance metadata at {}: the credentials of role '{}' answered HTTP {}", host,
                    role, keys.status));
  }
  return credentials_from_json(keys.body,
                               fmt::format("instance metadata at {} (role '{}')", host, role),
                               "instance metadata");
}

}  // namespace lifeboat::aws

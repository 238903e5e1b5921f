#include "aws/container_credentials.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "aws/service_error.h"
#include "core/file_text.h"

namespace lifeboat::aws {
namespace {

constexpr std::string_view kEcsHost = "http://169.254.170.2";
constexpr std::chrono::seconds kTimeout{2};

// The host of an http(s) URL, without brackets for IPv6; empty if the URL is not one.
std::string url_host(std::string_view url) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view scheme_name = url.substr(0, scheme);
  if (scheme_name != "http" && scheme_name != "https") return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos) return "";
  if (rest.starts_with("[")) {
    std::size_t close = rest.find(']');
    return close == std::string_view::npos ? "" : std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

bool allowed_host(const std::string& host) {
  if (host == "localhost" || host == "169.254.170.2" || host == "169.254.170.23") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;  // 127.0.0.0/8
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    in6_addr ecs{};
    inet_pton(AF_INET6, "fd00:ec2::23", &ecs);
    return IN6_IS_ADDR_LOOPBACK(&v6) || IN6_ARE_ADDR_EQUAL(&v6, &ecs);
  }
  return false;
}

}  // namespace

core::Status check_container_credentials_url(std::string_view url) {
  std::string host = url_host(url);
  if (!host.empty() && allowed_host(host)) return core::Status::ok();
  return core::Status::failed_precondition(fmt::format(
      "AWS_CONTAINER_CREDENTIALS_FULL_URI '{}' is refused: it must be http(s) to a loopback "
      "address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23",
      url));
}

core::Result<Credentials> ContainerCredentials::load() {
  std::string url;
  if (auto relative = non_empty(env_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    if (!relative->starts_with("/")) {
      return core::Status::failed_precondition(
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
    }
    url = std::string(kEcsHost) + *relative;
  } else if (auto full = non_empty(env_, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    LIFEBOAT_RETURN_IF_ERROR(check_container_credentials_url(*full));
    url = *full;
  } else {
    return core::Status::not_found(
        "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
        "AWS_CONTAINER_CREDENTIALS_FULL_URI (not set)");
  }

  std::string token;
  std::string token_from;
  if (auto file = non_empty(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    LIFEBOAT_ASSIGN_OR_RETURN(token,
                              core::read_file_text(*file, "container authorization token file"));
    token_from = fmt::format("the file '{}'", *file);
    // A final newline is how files end, not part of the token.
    while (!token.empty() && token.back() == '\n') token.pop_back();
  } else if (auto value = non_empty(env_, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    token = *value;
    token_from = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return core::Status::failed_precondition(fmt::format(
        "the container authorization token from {} holds a line break; refused", token_from));
  }

  HttpRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  request.connect_timeout = kTimeout;
  request.timeout = kTimeout;
  std::string what = fmt::format("container credentials from {}", host_of_url(url));
  auto response = http_->send(request);
  if (!response.is_ok()) {
    return core::Status::unavailable(
        redact(fmt::format("{}: {}", what, response.status().message()), {token}));
  }
  if (response->status != 200) {
    ServiceError error = parse_service_error(*response);
    return core::Status(response->status >= 500 ? core::StatusCode::kUnavailable
                                                : core::StatusCode::kPermissionDenied,
                        redact(fmt::format("{}: HTTP {}{}{}{}", what, response->status,
                                           error.code.empty() ? "" : " ", error.code,
                                           error.message.empty() ? "" : ": " + error.message),
                               {token}));
  }
  return credentials_from_json(response->body, what, "container");
}

}  // namespace lifeboat::aws

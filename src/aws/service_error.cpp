#include "aws/service_error.h"

#include <array>

#include <fmt/format.h>

#include "core/json.h"

namespace lifeboat::aws {
namespace {

bool one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (std::string_view c : codes) {
    if (code == c) return true;
  }
  return false;
}

// "com.amazonaws.sagemaker#ResourceNotFound:http://..." -> "ResourceNotFound".
std::string short_code(std::string_view type) {
  std::size_t hash = type.rfind('#');
  if (hash != std::string_view::npos) type = type.substr(hash + 1);
  std::size_t colon = type.find(':');
  if (colon != std::string_view::npos) type = type.substr(0, colon);
  return std::string(type);
}

// A body that is not an AWS error (a proxy's HTML page, say): a short printable excerpt.
std::string excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 200)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : ' ');
  }
  if (body.size() > 200) out += "...";
  return out;
}

}  // namespace

ServiceError parse_service_error(const HttpResponse& response) {
  ServiceError error;
  error.http_status = response.status;
  if (auto type = response.header("x-amzn-errortype")) error.code = short_code(*type);
  auto body = core::parse_json(response.body, "error body");
  if (body.is_ok() && body->is_object()) {
    if (error.code.empty()) {
      for (const char* key : {"__type", "code", "Code"}) {
        auto it = body->find(key);
        if (it != body->end() && it->is_string()) {
          error.code = short_code(it->get<std::string>());
          break;
        }
      }
    }
    for (const char* key : {"message", "Message", "errorMessage"}) {
      auto it = body->find(key);
      if (it != body->end() && it->is_string()) {
        error.message = it->get<std::string>();
        break;
      }
    }
  } else if (!response.body.empty()) {
    error.message = excerpt(response.body);
  }
  return error;
}

core::Status service_error_status(const ServiceInfo& service, std::string_view operation,
                                  const ServiceError& error, std::string_view credential_source) {
  std::string what =
      fmt::format("{} {}: {}{}{} (HTTP {})", service.service_id, operation,
                  error.code.empty() ? "error" : error.code, error.message.empty() ? "" : ": ",
                  error.message, error.http_status);
  const std::string_view code = error.code;
  if (one_of(code, {"ResourceNotFound", "ResourceNotFoundException", "NotFoundException"})) {
    return core::Status::not_found(what);
  }
  if (one_of(code, {"ValidationException", "ValidationError", "InvalidParameterValue",
                    "InvalidParameterException", "SerializationException"})) {
    return core::Status::invalid_argument(what);
  }
  if (one_of(code, {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation",
                    "UnauthorizedException"})) {
    std::string action = fmt::format("{}:{}", service.signing_name, operation);
    return core::Status::permission_denied(fmt::format(
        "{}: the credentials ({}) may not call {}: grant the IAM action {} to the role or user",
        what, credential_source, action, action));
  }
  if (one_of(code, {"RequestExpired", "InvalidSignatureException", "SignatureDoesNotMatch"}) &&
      error.message.find("expired") != std::string::npos) {
    return core::Status::permission_denied(fmt::format(
        "{}: AWS judged the request's time stale: check this machine's clock (credentials {})",
        what, credential_source));
  }
  if (one_of(code, {"UnrecognizedClientException", "InvalidSignatureException",
                    "ExpiredTokenException", "ExpiredToken", "InvalidClientTokenId",
                    "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
                    "MissingAuthenticationTokenException", "RequestExpired"})) {
    return core::Status::permission_denied(
        fmt::format("{}: AWS did not accept the credentials ({}): check or renew them", what,
                    credential_source));
  }
  if (error.http_status == 403) {
    return core::Status::permission_denied(
        fmt::format("{}: refused for the credentials ({})", what, credential_source));
  }
  if (error.http_status >= 400 && error.http_status < 500) {
    return core::Status::failed_precondition(what);
  }
  return core::Status::unavailable(what);
}

std::string redact(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    std::size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), "[redacted]");
      pos += 10;
    }
  }
  return text;
}

}  // namespace lifeboat::aws

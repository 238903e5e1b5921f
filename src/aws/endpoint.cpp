#include "aws/endpoint.h"

#include <fmt/format.h>

namespace lifeboat::aws {
namespace {

bool is_true(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string v = *value;
  for (char& c : v) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return v == "true";
}

std::string without_trailing_slash(std::string_view url) {
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

}  // namespace

core::Status validate_region(std::string_view region) {
  bool ok =
      !region.empty() && region.size() <= 64 && region.front() >= 'a' && region.front() <= 'z';
  for (char c : region) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) ok = false;
  }
  if (ok) return core::Status::ok();
  // The value is quoted only when it is printable: it came from the configuration.
  return core::Status::invalid_argument(fmt::format(
      "AWS region '{}' is not a region name (lower-case letters, digits and '-', e.g. "
      "us-east-1)",
      region.size() <= 64 ? std::string(region) : std::string(region.substr(0, 64)) + "..."));
}

core::Result<std::string> resolve_region(std::string_view configured, const Environment& env,
                                         const SharedConfig& shared) {
  std::string region;
  std::string from;
  if (!configured.empty()) {
    region = configured;
    from = "the configuration";
  } else if (auto r = non_empty(env, "AWS_REGION")) {
    region = *r;
    from = "AWS_REGION";
  } else if (auto d = non_empty(env, "AWS_DEFAULT_REGION")) {
    region = *d;
    from = "AWS_DEFAULT_REGION";
  } else if (auto p = shared.config_value("region")) {
    region = *p;
    from = fmt::format("profile '{}' in '{}'", shared.profile(), shared.config_path());
  } else {
    return core::Status::failed_precondition(fmt::format(
        "no AWS region: set region in the configuration, or AWS_REGION or AWS_DEFAULT_REGION, "
        "or region in profile '{}' of '{}'",
        shared.profile(), shared.config_path()));
  }
  core::Status valid = validate_region(region);
  if (!valid.is_ok()) return valid.with_context(fmt::format("from {}", from));
  return region;
}

std::string dns_suffix(std::string_view region) {
  return region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

std::string endpoint_env_variable(std::string_view service_id) {
  std::string name = "AWS_ENDPOINT_URL_";
  for (char c : service_id) {
    if (c == ' ' || c == '-') {
      name += '_';
    } else if (c >= 'a' && c <= 'z') {
      name += static_cast<char>(c - 'a' + 'A');
    } else {
      name += c;
    }
  }
  return name;
}

core::Status validate_endpoint_url(std::string_view url, std::string_view what) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return core::Status::invalid_argument(fmt::format(
        "endpoint URL '{}' from {} must start with https:// (or http:// for a local endpoint)", url,
        what));
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  bool ok = !rest.empty();
  for (char c : rest) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
    if (!allowed) ok = false;
  }
  if (ok) return core::Status::ok();
  return core::Status::invalid_argument(fmt::format(
      "endpoint URL '{}' from {} must be scheme://host[:port] with no user, path or query", url,
      what));
}

core::Result<std::string> resolve_endpoint(const ServiceInfo& service, std::string_view region,
                                           std::string_view configured, const Environment& env,
                                           const SharedConfig& shared, std::string_view fallback) {
  auto checked = [](std::string_view url, std::string_view what) -> core::Result<std::string> {
    LIFEBOAT_RETURN_IF_ERROR(validate_endpoint_url(url, what));
    return without_trailing_slash(url);
  };
  if (!configured.empty()) return checked(configured, "the configuration");
  if (!is_true(non_empty(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    std::string variable = endpoint_env_variable(service.service_id);
    if (auto url = non_empty(env, variable)) return checked(*url, variable);
    if (auto url = non_empty(env, "AWS_ENDPOINT_URL")) return checked(*url, "AWS_ENDPOINT_URL");
    if (auto url = shared.config_value("endpoint_url")) {
      return checked(*url,
                     fmt::format("profile '{}' in '{}'", shared.profile(), shared.config_path()));
    }
  }
  if (!fallback.empty()) return checked(fallback, "the configuration");
  if (region.empty()) {
    // STS alone has a global endpoint; every other service needs a region.
    if (service.endpoint_prefix == "sts") return std::string("https://sts.amazonaws.com");
    return core::Status::failed_precondition(
        fmt::format("no AWS region to build the {} endpoint from", service.service_id));
  }
  LIFEBOAT_RETURN_IF_ERROR(validate_region(region));
  return fmt::format("https://{}.{}.{}", service.endpoint_prefix, region, dns_suffix(region));
}

}  // namespace lifeboat::aws

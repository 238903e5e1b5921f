#include "platform/platform_settings.h"

#include <fmt/format.h>

#include "aws/json_service_client.h"
#include "platform/sagemaker_catalog.h"

namespace lifeboat::platform {

using core::Status;

namespace {

Status bad(std::string_view key, const std::string& problem) {
  return Status::invalid_argument(fmt::format("setting 'platform.{}' {}", key, problem));
}

}  // namespace

Status validate_platform_settings(const PlatformSettings& s) {
  if (s.kind != "local" && s.kind != "sagemaker") {
    return bad("kind", fmt::format("is '{}'; expected \"local\" or \"sagemaker\"", s.kind));
  }
  if (!s.region.empty() &&
      s.region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
    return bad("region", fmt::format("is '{}'; expected a region such as us-east-1", s.region));
  }
  if (!s.endpoint_url.empty() && s.endpoint_url.rfind("https://", 0) != 0 &&
      s.endpoint_url.rfind("http://", 0) != 0) {
    return bad("endpoint_url",
               fmt::format("is '{}'; expected an https:// (or http://) URL", s.endpoint_url));
  }
  for (const auto& d : s.domains) {
    if (d.empty() || d.size() > 63 || d.find('/') != std::string::npos) {
      return bad("domains", fmt::format("holds '{}'; expected domain ids (d-...) or names", d));
    }
  }
  if (s.reconcile_interval_seconds < 0 || s.reconcile_interval_seconds > 86400) {
    return bad("reconcile_interval_seconds", "must be from 0 (off) to 86400");
  }
  if (s.enrich_timeout_seconds < 1 || s.enrich_timeout_seconds > 7 * 86400) {
    return bad("enrich_timeout_seconds", "must be from 1 to 604800 (a week)");
  }
  if (s.home_wait_seconds < 0 || s.home_wait_seconds > 365 * 86400) {
    return bad("home_wait_seconds", "must be from 0 to 31536000 (a year)");
  }
  if (!s.volume_path_template.empty() &&
      (s.volume_path_template.front() != '/' ||
       s.volume_path_template.find("{volume_id}") == std::string::npos)) {
    return bad("volume_path_template",
               fmt::format("is '{}'; expected an absolute path holding {{volume_id}}, e.g. "
                           "\"/mnt/efs/{{volume_id}}\"",
                           s.volume_path_template));
  }
  return Status::ok();
}

core::Result<std::unique_ptr<PlatformCatalog>> open_catalog(const PlatformSettings& s) {
  LIFEBOAT_RETURN_IF_ERROR(validate_platform_settings(s));
  if (!s.is_sagemaker()) return std::unique_ptr<PlatformCatalog>();
  aws::ClientOptions options;
  options.region = s.region;
  options.endpoint_url = s.endpoint_url;
  options.profile = s.profile;
  auto client = aws::JsonServiceClient::create(aws::sagemaker_service(), options);
  if (!client.is_ok()) return client.status().with_context("platform sagemaker");
  return std::unique_ptr<PlatformCatalog>(std::make_unique<SageMakerCatalog>(std::move(*client)));
}

}  // namespace lifeboat::platform

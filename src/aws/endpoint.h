// Region and endpoint resolution, in the AWS CLI's order of precedence. Pure functions of
// their arguments: thread safe.
#pragma once

#include <string>
#include <string_view>

#include "aws/environment.h"
#include "aws/service_info.h"
#include "aws/shared_config.h"
#include "core/result.h"

namespace lifeboat::aws {

//! OK when `region` is a plausible region name: 1 to 64 of [a-z0-9-], starting with a
//! letter. Anything else (a URL, a path, spaces) is refused: it becomes part of a host name.
core::Status validate_region(std::string_view region);

//! The region: `configured` (the config file's), else AWS_REGION, else AWS_DEFAULT_REGION,
//! else the profile's `region` in the config file. None anywhere is FailedPrecondition
//! naming every place looked.
core::Result<std::string> resolve_region(std::string_view configured, const Environment& env,
                                         const SharedConfig& shared);

//! "amazonaws.com.cn" for China regions (cn-*), else "amazonaws.com".
std::string dns_suffix(std::string_view region);

//! "AWS_ENDPOINT_URL_" + the service id upper-cased, spaces and hyphens as '_'.
std::string endpoint_env_variable(std::string_view service_id);

//! OK when `url` is http(s)://host[:port] with at most a trailing '/': no user, path,
//! query or fragment. `what` names where it came from.
core::Status validate_endpoint_url(std::string_view url, std::string_view what);

//! The endpoint (no trailing '/'): `configured`, else AWS_ENDPOINT_URL_<ID>, else
//! AWS_ENDPOINT_URL, else the profile's endpoint_url (the three configured-elsewhere ones
//! are skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else `fallback` when it
//! is set (SQS: the queue URL's scheme and host), else
//! https://<endpoint_prefix>.<region>.<dns suffix>. Only a configured endpoint (or
//! fallback, which comes from the configuration too) may be http.
core::Result<std::string> resolve_endpoint(const ServiceInfo& service, std::string_view region,
                                           std::string_view configured, const Environment& env,
                                           const SharedConfig& shared,
                                           std::string_view fallback = "");

}  // namespace lifeboat::aws

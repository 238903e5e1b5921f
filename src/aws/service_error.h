// AWS error answers: parsing the JSON protocol's error body and turning an error into a
// Status whose message names the service, the operation, AWS's code and message, and what
// to do. Pure functions: thread safe.
#pragma once

#include <string>
#include <string_view>

#include "aws/http_transport.h"
#include "aws/service_info.h"
#include "core/status.h"

namespace lifeboat::aws {

struct ServiceError {
  long http_status = 0;  // NOLINT(google-runtime-int)
  std::string code;      //!< "ResourceNotFound"; empty when the answer named none
  std::string message;   //!< AWS's message, or an excerpt of a body that was not JSON
};

//! The code from `x-amzn-ErrorType` or the body's `__type` (the part after the last '#'
//! and before any ':'), and the body's `message` or `Message`.
ServiceError parse_service_error(const HttpResponse& response);

//! The Status for an error answer to `operation`; `credential_source` names the
//! credentials in use (never a secret). Message: "<service_id> <Operation>: <code>:
//! <message> (HTTP n)" and, for permission and credential errors, what to do.
core::Status service_error_status(const ServiceInfo& service, std::string_view operation,
                                  const ServiceError& error, std::string_view credential_source);

//! `text` with every occurrence of each non-empty secret replaced by "[redacted]".
std::string redact(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace lifeboat::aws

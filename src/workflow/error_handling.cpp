#include "workflow/error_handling.h"

#include <algorithm>
#include <cmath>

#include "workflow/asl_error.h"
#include "workflow/execution_limits.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;

namespace {

Result<std::vector<std::string>> error_names(const Json& entry) {
  std::vector<std::string> out;
  if (!entry.contains("ErrorEquals") || !entry["ErrorEquals"].is_array())
    return asl_error(kErrRuntime, "ErrorEquals: not an array of error names");
  for (const auto& e : entry["ErrorEquals"]) {
    if (!e.is_string()) return asl_error(kErrRuntime, "ErrorEquals: not an array of error names");
    out.push_back(e.get<std::string>());
  }
  return out;
}

}  // namespace

Result<Retrier> Retrier::parse(const Json& r) {
  Retrier out;
  LIFEBOAT_ASSIGN_OR_RETURN(out.error_equals, error_names(r));
  out.interval_seconds = r.value("IntervalSeconds", 1.0);
  out.max_attempts = r.value("MaxAttempts", std::int64_t{3});
  out.backoff_rate = r.value("BackoffRate", 2.0);
  if (r.contains("MaxDelaySeconds")) out.max_delay_seconds = r["MaxDelaySeconds"].get<double>();
  out.full_jitter = r.value("JitterStrategy", "NONE") == "FULL";
  return out;
}

Result<Catcher> Catcher::parse(const Json& c) {
  Catcher out;
  LIFEBOAT_ASSIGN_OR_RETURN(out.error_equals, error_names(c));
  out.next = c.value("Next", "");
  LIFEBOAT_ASSIGN_OR_RETURN(out.result_path, ResultPath::of(c));
  return out;
}

bool error_matches(const std::vector<std::string>& error_equals, const std::string& error) {
  for (const auto& name : error_equals) {
    if (name == error) return true;
    if (name == kErrAll && error != kErrRuntime) return true;
    if (name == kErrTaskFailed && error != kErrTimeout && error != kErrRuntime) return true;
  }
  return false;
}

std::chrono::milliseconds retry_delay(const Retrier& retrier, int retry_count) {
  // pow() may reach +inf for a long run of retries; min() below brings it back. The ceiling
  // is the largest MaxDelaySeconds there is (execution_limits.h), so the sum with the clock
  // cannot overflow whatever the retrier says.
  double seconds =
      retrier.interval_seconds * std::pow(retrier.backoff_rate, std::max(retry_count, 0));
  if (retrier.max_delay_seconds) seconds = std::min(seconds, *retrier.max_delay_seconds);
  seconds = std::min(seconds, static_cast<double>(kMaxRetryDelaySeconds));
  if (!(seconds >= 0)) seconds = 0;  // NaN from a hand-edited stored definition
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

}  // namespace lifeboat::workflow

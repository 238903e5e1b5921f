// When the AWS client tries again, and how long it waits first: exponential back-off with
// full jitter. The policy is a value (thread safe to share); the random source is the
// caller's.
#pragma once

#include <chrono>
#include <random>
#include <string_view>

namespace lifeboat::aws {

//! True for the error codes botocore's standard retry mode treats as throttling
//! (ThrottlingException, RequestLimitExceeded, SlowDown, ...).
bool is_throttling_code(std::string_view code);

//! True for an answer worth trying again: a throttling code, HTTP 429, or any 5xx.
bool is_retryable_response(long http_status, std::string_view code);  // NOLINT(google-runtime-int)

struct RetryPolicy {
  int max_attempts = 8;  //!< the first try included
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds cap{20000};

  //! The wait before retry number `retry` (1 for the first retry): uniform in
  //! [0, min(cap, base * 2^(retry-1))].
  std::chrono::milliseconds backoff(int retry, std::mt19937_64& rng) const;
};

}  // namespace lifeboat::aws

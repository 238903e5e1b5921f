#include "aws/retry_policy.h"

#include <algorithm>
#include <array>

namespace lifeboat::aws {

bool is_throttling_code(std::string_view code) {
  static constexpr std::array<std::string_view, 14> kCodes = {
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottledException",
      "TooManyRequestsException",
      "ProvisionedThroughputExceededException",
      "TransactionInProgressException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
      "LimitExceededException",
      "RequestThrottled",
      "SlowDown",
      "PriorRequestNotComplete",
      "EC2ThrottledException",
  };
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

bool is_retryable_response(long http_status, std::string_view code) {  // NOLINT
  return is_throttling_code(code) || http_status == 429 || http_status >= 500;
}

std::chrono::milliseconds RetryPolicy::backoff(int retry, std::mt19937_64& rng) const {
  // Doubling stops well before overflow: the cap is reached by then for any sane base.
  std::int64_t ceiling = base.count();
  for (int i = 1; i < retry && ceiling < cap.count(); ++i) ceiling *= 2;
  ceiling = std::min<std::int64_t>(ceiling, cap.count());
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<std::int64_t> dist(0, ceiling);
  return std::chrono::milliseconds(dist(rng));
}

}  // namespace lifeboat::aws

#include "workflow/execution_limits.h"

#include <cmath>
#include <optional>

#include "core/time_format.h"

namespace lifeboat::workflow {

core::Result<core::Clock::WallTime> parse_bounded_timestamp(std::string_view text) {
  // Check the year before converting: parse_rfc3339 counts nanoseconds in 64 bits and a
  // year like 9999 would wrap around to a time in the past.
  int year = -1;
  if (text.size() >= 4) {
    year = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const char c = text[i];
      if (c < '0' || c > '9') {
        year = -1;
        break;
      }
      year = year * 10 + (c - '0');
    }
  }
  if (year >= 0 && (year < kMinTimestampYear || year > kMaxTimestampYear)) {
    return core::Status::invalid_argument("timestamp '" + std::string(text) + "' is outside " +
                                          std::to_string(kMinTimestampYear) + ".." +
                                          std::to_string(kMaxTimestampYear));
  }
  return core::parse_rfc3339(text);
}

std::optional<std::int64_t> integer_in_range(const core::Json& v, std::int64_t lo,
                                             std::int64_t hi) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (hi < 0 || u > static_cast<std::uint64_t>(hi)) return std::nullopt;
    const auto i = static_cast<std::int64_t>(u);
    return i >= lo ? std::optional(i) : std::nullopt;
  }
  if (v.is_number_integer()) {
    const auto i = v.get<std::int64_t>();
    return i >= lo && i <= hi ? std::optional(i) : std::nullopt;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // Compare as doubles first: converting a double outside int64 is undefined.
    if (!std::isfinite(d) || std::floor(d) != d) return std::nullopt;
    if (d < static_cast<double>(lo) || d > static_cast<double>(hi)) return std::nullopt;
    const auto i = static_cast<std::int64_t>(d);
    return i >= lo && i <= hi ? std::optional(i) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<double> number_in_range(const core::Json& v, double lo, double hi) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < lo || d > hi) return std::nullopt;
  return d;
}

}  // namespace lifeboat::workflow

#include "ingest/pattern_number.h"

#include <cmath>

namespace lifeboat::ingest {

std::optional<std::int64_t> comparable_number(const core::Json& value) noexcept {
  constexpr std::int64_t kMicros = 1'000'000;
  constexpr std::int64_t kMaxUnits = kMaxComparableMicros / kMicros;
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(kMaxUnits)) return std::nullopt;
    return static_cast<std::int64_t>(u) * kMicros;
  }
  if (value.is_number_integer()) {
    const auto i = value.get<std::int64_t>();
    if (i > kMaxUnits || i < -kMaxUnits) return std::nullopt;
    return i * kMicros;
  }
  if (!value.is_number_float()) return std::nullopt;
  const double d = value.get<double>();
  if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(kMaxUnits)) return std::nullopt;
  const auto micros = static_cast<std::int64_t>(std::llround(d * 1e6));
  // The text had at most six decimals exactly when the parsed double is the double nearest
  // micros / 1e6: both are correctly rounded from the same rational, and |micros| < 2^53.
  if (static_cast<double>(micros) / 1e6 != d) return std::nullopt;
  return micros;
}

bool same_json_number(const core::Json& a, const core::Json& b) noexcept {
  if (!a.is_number() || !b.is_number()) return false;
  if (a.is_number_integer() && b.is_number_integer()) {
    const bool a_neg = !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
    const bool b_neg = !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
    if (a_neg != b_neg) return false;
    if (a_neg) return a.get<std::int64_t>() == b.get<std::int64_t>();
    return a.get<std::uint64_t>() == b.get<std::uint64_t>();
  }
  return a.get<double>() == b.get<double>();
}

}  // namespace lifeboat::ingest

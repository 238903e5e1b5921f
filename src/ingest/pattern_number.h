// Numbers as EventBridge compares them.
//
// EventBridge compares numbers between -5.0e9 and +5.0e9 inclusive to six digits after the
// decimal point, whatever their JSON spelling (300, 300.0, 3.0e2 are one number). Such a
// number is represented here exactly, as an integer count of millionths. A number outside
// that range, or with more than six decimals, has no comparable form: it takes no part in
// numeric or anything-but matching, and an exact-value match falls back to comparing the
// JSON values themselves.
#pragma once

#include <cstdint>
#include <optional>

#include "core/json.h"

namespace lifeboat::ingest {

//! The largest magnitude EventBridge compares, in millionths (5.0e9 * 1e6).
inline constexpr std::int64_t kMaxComparableMicros = 5'000'000'000'000'000;

//! `value` in millionths, or nullopt when it is not a number EventBridge can compare.
std::optional<std::int64_t> comparable_number(const core::Json& value) noexcept;

//! True when `a` and `b` are the same JSON number (integers exactly, else as doubles).
bool same_json_number(const core::Json& a, const core::Json& b) noexcept;

}  // namespace lifeboat::ingest

// RFC 3339 / ISO 8601 timestamps as used in events, history rows and ASL.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace lifeboat::core {

//! "2026-11-29T10:00:00.123Z" (UTC, milliseconds).
std::string format_rfc3339(Clock::WallTime t);

//! Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)"; 'T' may be 't'. Refuses anything
//! else with a message that quotes the text.
Result<Clock::WallTime> parse_rfc3339(std::string_view text);

}  // namespace lifeboat::core

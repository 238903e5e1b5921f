// ExecutionLimits: the bounds the workflow engine enforces so that a hostile or buggy
// definition or input cannot make an execution run forever, grow without end, or compute
// a wrong time. docs/security.md lists them for operators.
//
// Where Amazon States Language on AWS Step Functions documents a quota, the same number is
// used and named here; where it documents none, the choice and its reason are written next
// to the constant. Static values in a definition are refused by the validator (the message
// names the state and field); values that arrive at run time through a path fail the
// execution with States.Runtime naming the field.
//
// Header-only constants plus two pure helpers; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

// --- Per execution -----------------------------------------------------------------------

//! Events in one execution's history. AWS Step Functions (Standard) quota: 25,000.
inline constexpr std::int64_t kMaxHistoryEvents = 25'000;
//! State transitions in one execution. AWS has no separate quota (its history quota bounds
//! transitions at about half of it, two events per state); Lifeboat stops at 10,000 so that
//! a loop of cheap states (Pass -> Choice -> Pass ...) is reported as too many transitions,
//! which says what is wrong, before the history fills.
inline constexpr std::int64_t kMaxStateTransitions = 10'000;
//! Once a limit is hit, the error (kErrTransitionLimit / kErrHistoryLimit) may be caught so
//! that a workflow can still record its failure (the recovery workflow dead-letters it). The
//! handler gets this many more transitions ...
inline constexpr std::int64_t kLimitGraceTransitions = 100;
//! ... and the catchable history error is raised this many events before the hard cap, at
//! which the execution fails with no Catch at all.
inline constexpr std::int64_t kLimitGraceEvents = 500;
//! How long one execution may run. AWS Step Functions (Standard) quota: one year.
inline constexpr std::int64_t kMaxExecutionSeconds = 31'536'000;

//! Error names for the caps above (catchable once, see kLimitGraceTransitions).
inline constexpr const char* kErrTransitionLimit = "Lifeboat.TransitionLimitExceeded";
inline constexpr const char* kErrHistoryLimit = "Lifeboat.HistoryLimitExceeded";

// --- Durations and timestamps ------------------------------------------------------------

//! A Wait state's duration. AWS documents one year (31,536,000 s) as the longest Wait.
inline constexpr std::int64_t kMaxWaitSeconds = 31'536'000;
//! Task TimeoutSeconds / HeartbeatSeconds and the machine's TimeoutSeconds: no task or
//! execution can outlive the one-year execution limit, so longer values mean nothing.
inline constexpr std::int64_t kMaxTimeoutSeconds = kMaxExecutionSeconds;
//! Timestamps (Wait Timestamp/TimestampPath) must lie in these years: the engine's clock
//! counts nanoseconds in 64 bits, which covers 1677..2262; this range stays well inside.
inline constexpr int kMinTimestampYear = 1970;
inline constexpr int kMaxTimestampYear = 2200;

// --- Retry -------------------------------------------------------------------------------

//! Retrier IntervalSeconds and MaxAttempts: AWS documents 99,999,999 as the maximum of each.
inline constexpr std::int64_t kMaxRetryIntervalSeconds = 99'999'999;
inline constexpr std::int64_t kMaxRetryAttempts = 99'999'999;
//! Retrier MaxDelaySeconds: AWS documents 31,622,400 (366 days) as the maximum.
inline constexpr std::int64_t kMaxRetryDelaySeconds = 31'622'400;
//! Retrier BackoffRate: AWS documents only ">= 1.0". Any finite rate is safe (the delay is
//! capped, see retry_delay), but a rate above 1,000 reaches the cap by the second retry and
//! is almost certainly a typo, so it is refused.
inline constexpr double kMaxBackoffRate = 1000.0;

// --- Map ---------------------------------------------------------------------------------

//! Map MaxConcurrency: AWS's distributed Map runs at most 10,000 child executions at once;
//! no definition needs a larger number.
inline constexpr std::int64_t kMaxMapConcurrency = 10'000;
//! Iterations an inline Map runs at once whatever MaxConcurrency says (0 included): AWS
//! documents 40 for inline Map. Bounds the child executions one step creates.
inline constexpr std::int64_t kMaxInlineMapConcurrency = 40;

// --- Helpers -----------------------------------------------------------------------------

//! An RFC 3339 timestamp whose year is within [kMinTimestampYear, kMaxTimestampYear], so
//! that it and any time within a year of it are representable. The error quotes the text.
core::Result<core::Clock::WallTime> parse_bounded_timestamp(std::string_view text);

//! A JSON number that is an integer in [lo, hi] (a float with no fraction counts), or
//! nullopt. Never converts out-of-range values (no overflow on huge or non-finite numbers).
std::optional<std::int64_t> integer_in_range(const core::Json& v, std::int64_t lo, std::int64_t hi);

//! A finite JSON number in [lo, hi], or nullopt.
std::optional<double> number_in_range(const core::Json& v, double lo, double hi);

}  // namespace lifeboat::workflow

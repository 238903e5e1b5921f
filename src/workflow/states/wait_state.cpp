// The Wait state: holds no thread. Entering it records the wake-up time as the record's
// wake_at (durable wall time, so a restart resumes with the time it had left); the
// executor steps it again when due and it leaves with its OutputPath.
#include <cmath>

#include "workflow/execution_limits.h"
#include "workflow/executor.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;
using WallTime = core::Clock::WallTime;

Result<WallTime> Executor::wait_until(const WaitState& state, const Json& effective,
                                      const Json& ctx) const {
  const WallTime now = clock_.now();
  // Every form is bounded by the longest Wait (execution_limits.h) before it meets the
  // clock, so no sum below can overflow; a timestamp in the past means "no wait".
  const auto latest = now + std::chrono::seconds(kMaxWaitSeconds);
  auto refuse = [&](const std::string& field, const std::string& why) {
    return asl_error(kErrRuntime, "state '" + state.name + "': field '" + field + "': " + why);
  };
  const std::string bound =
      "a Wait lasts at most " + std::to_string(kMaxWaitSeconds) + " s (one year)";
  // The validator kept Seconds within [0, kMaxWaitSeconds].
  if (state.seconds) return now + std::chrono::seconds(*state.seconds);
  if (state.timestamp) {
    if (state.timestamp_time > latest)
      return refuse("Timestamp", "'" + *state.timestamp + "' is more than a year away: " + bound);
    return state.timestamp_time;
  }
  const bool seconds = state.seconds_path.has_value();
  const char* field = seconds ? "SecondsPath" : "TimestampPath";
  const JsonPath& path = seconds ? *state.seconds_path : *state.timestamp_path;
  auto value = path.select(effective, ctx);
  if (!value) return refuse(field, "'" + path.text() + "': " + value.status().message());
  if (seconds) {
    auto secs = number_in_range(*value, 0, static_cast<double>(kMaxWaitSeconds));
    if (!secs)
      return refuse(field, "selected " + value->dump() +
                               "; it must be a number of seconds from 0 to " +
                               std::to_string(kMaxWaitSeconds) + ": " + bound);
    return now + std::chrono::milliseconds(std::llround(*secs * 1000));
  }
  auto t = value->is_string() ? parse_bounded_timestamp(value->get<std::string>())
                              : Result<WallTime>(Status::invalid_argument(
                                    value->dump() + " is not an RFC 3339 timestamp string"));
  if (!t) return refuse(field, t.status().message());
  if (*t > latest)
    return refuse(field, "'" + value->get<std::string>() + "' is more than a year away: " + bound);
  return *t;
}

void Executor::enter_wait(Step& s, const WaitState& state, const Json& effective, const Json& ctx) {
  auto until = wait_until(state, effective, ctx);
  if (!until) return handle_error(s, state, to_asl_error(until.status()));
  s.cursor.phase = Phase::kWait;
  s.cursor.effective = effective;
  s.rec.wake_at = *until;
  s.requeue = true;  // schedule() puts it on the timer queue (or runs it if already due)
}

void Executor::finish_wait(Step& s, const WaitState& state) {
  auto out = state.output_path.apply(s.cursor.effective.value_or(Json()), context_object(s));
  if (!out) return handle_error(s, state, to_asl_error(out.status()));
  transition(s, state, *out);
}

}  // namespace lifeboat::workflow

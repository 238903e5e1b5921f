// Retriers and catchers of a Task, Parallel or Map state (states-language.net "Error
// handling"), parsed once with the state machine, and the rules that apply them: which
// error names match, and how long the back-off before a retry is.
// Immutable values; pure functions; thread safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "workflow/state_io.h"

namespace lifeboat::workflow {

//! One entry of a state's Retry array.
struct Retrier {
  std::vector<std::string> error_equals;
  double interval_seconds = 1.0;
  std::int64_t max_attempts = 3;
  double backoff_rate = 2.0;
  std::optional<double> max_delay_seconds;
  bool full_jitter = false;  //!< JitterStrategy FULL

  //! A retrier object that passed the validator.
  static core::Result<Retrier> parse(const core::Json& retrier);
};

//! One entry of a state's Catch array.
struct Catcher {
  std::vector<std::string> error_equals;
  std::string next;
  ResultPath result_path;

  //! A catcher object that passed the validator.
  static core::Result<Catcher> parse(const core::Json& catcher);
};

//! True when a Retry/Catch `error_equals` list matches `error` (States.ALL matches every
//! error but States.Runtime; States.TaskFailed every error but States.Timeout and
//! States.Runtime).
bool error_matches(const std::vector<std::string>& error_equals, const std::string& error);

//! The back-off before retry number `retry_count` (0 for the first retry) of `retrier`,
//! before jitter: IntervalSeconds × BackoffRate^retry_count, capped by MaxDelaySeconds and
//! by the longest delay there is (execution_limits.h).
std::chrono::milliseconds retry_delay(const Retrier& retrier, int retry_count);

}  // namespace lifeboat::workflow

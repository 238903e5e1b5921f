// Error handling of a state (states-language.net "Error handling"): the first retrier that
// matches schedules a retry after its back-off (durably, as the record's wake_at); once it
// is exhausted, or when none matches, the first matching catcher routes to its Next; else
// the execution fails. States.Runtime is never retried nor caught, and a limit error
// (execution_limits.h) is never retried.
#include <random>

#include "workflow/execution_limits.h"
#include "workflow/executor.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;

namespace {

bool is_limit_error(const std::string& error) {
  return error == kErrTransitionLimit || error == kErrHistoryLimit;
}

}  // namespace

void Executor::handle_error(Step& s, const StateCommon& state, const AslError& err) {
  // A retry of a limit error would only hit the limit again.
  if (err.error != kErrRuntime && !is_limit_error(err.error)) {
    for (std::size_t i = 0; i < state.retry.size(); ++i) {
      const Retrier& r = state.retry[i];
      if (!error_matches(r.error_equals, err.error)) continue;
      const int count = s.cursor.retries[i];
      if (count >= r.max_attempts) break;  // exhausted: on to Catch
      auto delay = retry_delay(r, count);
      if (r.full_jitter) {
        std::uniform_int_distribution<std::int64_t> dist(0, delay.count());
        delay = std::chrono::milliseconds(dist(random_));
      }
      s.cursor.retries[i] = count + 1;
      s.cursor.polls.reset();  // the next attempt starts afresh
      s.cursor.first_run.reset();
      s.cursor.attempt += 1;
      s.cursor.phase = Phase::kRetry;
      if (state.type == "Task") {
        s.cursor.retry_phase = Phase::kTask;
      } else {
        s.cursor.retry_phase = Phase::kStartChildren;
        s.cursor.first_child_index +=
            static_cast<std::int64_t>(s.cursor.items ? s.cursor.items->size() : 0);
      }
      s.rec.wake_at = clock_.now() + delay;
      s.requeue = true;
      return;
    }
  }
  if (err.error != kErrRuntime) {
    for (const auto& c : state.catchers) {
      if (!error_matches(c.error_equals, err.error)) continue;
      Json error_output = {{"Error", err.error}, {"Cause", err.cause}};
      auto after = c.result_path.apply(s.cursor.input, error_output);
      if (!after) return fail_execution(s, to_asl_error(after.status()));
      event(s, state.type + "StateExited",
            {{"name", s.cursor.state}, {"output", *after}, {"caught", err.error}});
      return go_to(s, c.next, *after);
    }
  }
  fail_execution(s, err);
}

}  // namespace lifeboat::workflow

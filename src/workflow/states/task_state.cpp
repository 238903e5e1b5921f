// The Task state: runs its resource (task_resource.h) inline. "TaskStarted" is committed
// before the resource runs, so a crash means "run it again"; a resource that is not ready
// is polled later like a Wait; TimeoutSeconds turns into States.Timeout.
#include <algorithm>

#include "core/time_format.h"
#include "workflow/execution_limits.h"
#include "workflow/executor.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;
using WallTime = core::Clock::WallTime;

Result<std::optional<std::int64_t>> Executor::task_timeout(const TaskState& state, const Json& raw,
                                                           const Json& ctx) const {
  std::optional<std::int64_t> timeout = state.timeout_seconds;
  std::optional<std::int64_t> heartbeat = state.heartbeat_seconds;
  for (const auto& [field, path, target] :
       {std::tuple<const char*, const std::optional<JsonPath>*, std::optional<std::int64_t>*>{
            "TimeoutSecondsPath", &state.timeout_seconds_path, &timeout},
        std::tuple<const char*, const std::optional<JsonPath>*, std::optional<std::int64_t>*>{
            "HeartbeatSecondsPath", &state.heartbeat_seconds_path, &heartbeat}}) {
    if (!*path) continue;
    auto v = (*path)->select(raw, ctx);
    std::optional<std::int64_t> n;
    if (v) n = integer_in_range(*v, 1, kMaxTimeoutSeconds);
    if (!n)
      return asl_error(kErrRuntime, "state '" + state.name + "': field '" + field + "': '" +
                                        (*path)->text() + "' selected " +
                                        (v ? v->dump() : "nothing (" + v.status().message() + ")") +
                                        "; it must be a whole number of seconds from 1 to " +
                                        std::to_string(kMaxTimeoutSeconds) + " (one year)");
    *target = *n;
  }
  if (timeout && heartbeat && *heartbeat >= *timeout)
    return asl_error(kErrRuntime, "state '" + state.name +
                                      "': the heartbeat interval must be less than the timeout");
  return timeout;
}

void Executor::enter_task(Step& s, const TaskState& state, const Json& effective, const Json& ctx) {
  Result<Json> task_input = effective;
  if (state.parameters) task_input = state.parameters->apply(effective, ctx);
  if (!task_input) return handle_error(s, state, to_asl_error(task_input.status()));
  s.cursor.effective = *task_input;
  auto timeout = task_timeout(state, s.cursor.input, ctx);
  if (!timeout) return handle_error(s, state, to_asl_error(timeout.status()));
  if (*timeout) s.cursor.timeout = **timeout;
  s.cursor.phase = Phase::kTask;
  Json details = {{"resource", state.resource}, {"parameters", *task_input}};
  if (state.timeout_seconds) details["timeoutInSeconds"] = *state.timeout_seconds;
  event(s, "TaskScheduled", details);
  run_task(s, state);
}

void Executor::run_task(Step& s, const TaskState& state) {
  const std::string& uri = state.resource;
  const int attempt = s.cursor.attempt;
  // A task that answered "not ready" runs again from the poll phase; it started already.
  const bool polled_before = s.cursor.polls.has_value();
  TaskContext tctx;
  tctx.clock = &clock_;
  tctx.execution_id = s.rec.id;
  tctx.root_execution_id = s.cursor.exec.value("Id", s.rec.id);
  tctx.state_name = s.cursor.state;
  tctx.attempt = attempt;
  tctx.context_object = context_object(s);
  tctx.execution_input = s.cursor.exec.value("Input", Json());
  tctx.stop = run_stop_.get_token();
  tctx.first_run = clock_.now();
  if (polled_before && s.cursor.first_run) tctx.first_run = *s.cursor.first_run;
  // Resolved (and range-checked) when the state was entered; a cursor written before that
  // was done has only the state's TimeoutSeconds.
  const std::optional<std::int64_t> timeout =
      s.cursor.timeout ? s.cursor.timeout : state.timeout_seconds;
  if (timeout) tctx.deadline = tctx.first_run + std::chrono::seconds(*timeout);

  auto resource = registry_.find(uri);
  // Admission comes before anything is recorded as started: a refused task leaves the
  // execution where it is (the events so far are committed by step()), and whoever refused
  // it resumes it (task_admission.h).
  TaskAdmission* admission =
      resource != nullptr && resource->copies_into_volume() ? options_.admission : nullptr;
  if (admission != nullptr && !admission->try_admit(*resource, tctx)) {
    s.requeue = false;
    return;
  }
  struct Release {
    TaskAdmission* admission;
    const TaskResource* resource;
    const TaskContext* ctx;
    ~Release() {
      if (admission != nullptr) admission->release(*resource, *ctx);
    }
  } release{admission, resource.get(), &tctx};

  if (!polled_before) {
    event(s, "TaskStarted", {{"resource", uri}, {"attempt", attempt}});
    s.cursor.first_run = tctx.first_run;
    // The durable point: once TaskStarted is committed, a crash means "run it again".
    if (!commit(s)) return;
  }
  const Json input = s.cursor.effective.value_or(Json());

  Result<Json> result = Status::internal("task did not run");
  if (resource == nullptr) {
    result = asl_error(kErrRuntime, "unknown task resource '" + uri + "'");
  } else {
    try {
      result = resource->run(input, tctx);
    } catch (const std::exception& e) {
      result = asl_error(kErrTaskFailed, std::string("task threw: ") + e.what());
    }
  }
  if (run_stop_.stop_requested()) {
    // Interrupted (shutdown, or the lease on the tree was lost): whatever the task returned, record
    // nothing. The execution stays at TaskStarted (or in its poll) and the task runs again when it
    // is resumed.
    s.events.clear();
    s.creates.clear();
    s.child_updates.clear();
    s.requeue = false;
    return;
  }
  const bool wants_poll = result.is_ok() && tctx.poll_again_at.has_value();
  // A task that asks to look again at its deadline has run out of time.
  if (tctx.deadline &&
      (clock_.now() > *tctx.deadline || (wants_poll && clock_.now() >= *tctx.deadline))) {
    event(s, "TaskTimedOut", {{"resource", uri}, {"error", kErrTimeout}});
    return handle_error(
        s, state,
        {kErrTimeout, "task '" + uri + "' ran longer than " + std::to_string(*timeout) + " s"});
  }
  if (wants_poll) return poll_task(s, uri, *tctx.poll_again_at, tctx.deadline);
  if (!result) {
    AslError err = to_asl_error(result.status());
    event(s, "TaskFailed", {{"resource", uri}, {"error", err.error}, {"cause", err.cause}});
    return handle_error(s, state, err);
  }
  event(s, "TaskSucceeded", {{"resource", uri}, {"output", *result}});
  finish_state(s, state, state.result, *result);
}

void Executor::poll_task(Step& s, const std::string& uri, WallTime when,
                         std::optional<WallTime> deadline) {
  // Not before a second from now (a resource asking for "now" must not spin the executor),
  // not after the Task's deadline (which then fires on time) nor after a year.
  const WallTime now = clock_.now();
  when =
      std::clamp(when, now + std::chrono::seconds(1), now + std::chrono::seconds(kMaxWaitSeconds));
  if (deadline) when = std::min(when, std::max(*deadline, now));
  const std::int64_t polls = s.cursor.polls.value_or(0);
  // One event when the waiting starts, not one per look: a long wait must not fill the
  // history.
  if (polls == 0)
    event(s, "TaskWaiting", {{"resource", uri}, {"until", core::format_rfc3339(when)}});
  s.cursor.polls = polls + 1;
  s.cursor.phase = Phase::kPoll;
  s.rec.wake_at = when;
  s.touched = true;  // a later look writes no event, but the new wake time must be stored
  s.requeue = true;
}

}  // namespace lifeboat::workflow

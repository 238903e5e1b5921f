// TaskResource: the code behind an ASL Task state's `Resource` URI ("lifeboat:…").
//
// CONTRACT: a resource MUST BE IDEMPOTENT. The executor records that a task started before
// running it; if the process dies while it runs, the task runs again after restart with
// the same input. Running it twice must leave the world as running it once would.
//
// A resource reports failure as a Status. Build it with asl_error("Lifeboat.Name", cause)
// (asl_error.h) so that Retry/Catch can match the name; any other Status becomes the error
// "Lifeboat.<StatusCodeName>". A resource must not throw; the executor turns a stray
// exception into the error States.TaskFailed anyway.
//
// WAITING FOR THE OUTSIDE WORLD: a resource that finds the world not ready yet (a home
// directory that does not exist yet) must not block its thread. It returns
// poll_again(ctx, when): the executor records that durably, holds no thread meanwhile, and
// runs the task again at `when` (with the same ctx.first_run, so the resource can measure
// how long it has waited). A restart resumes the wait where it was.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

//! What a running task may know about where it runs. Valid for the duration of run().
struct TaskContext {
  const core::Clock* clock = nullptr;  //!< the executor's clock (never null)
  std::string execution_id;            //!< id of the (child) execution running the task
  std::string root_execution_id;       //!< id of the top-level execution
  std::string state_name;              //!< the Task state's name
  int attempt = 0;                     //!< retries so far for this state (0 on the first try)
  //! Wall-clock deadline from TimeoutSeconds, if any: a long task should give up by then.
  std::optional<core::Clock::WallTime> deadline;
  //! The ASL context object ($$) at the time the task started.
  core::Json context_object;
  //! Input of the top-level execution (for dead-letter records).
  core::Json execution_input;
  //! Stop is requested when the executor is interrupted (shutdown); a long task should
  //! check it (or hand it to code that takes a std::stop_token) and give up soon.
  std::stop_token stop;
  //! When this attempt of the task first ran; a task run again after poll_again() sees the
  //! same time (on the executor's clock).
  core::Clock::WallTime first_run{};
  //! Set by poll_again(): run the task again at this time.
  std::optional<core::Clock::WallTime> poll_again_at;
};

class TaskResource {
 public:
  virtual ~TaskResource() = default;
  //! Runs the task on `input` (the state's effective input). Idempotent (see above).
  virtual core::Result<core::Json> run(const core::Json& input, TaskContext& ctx) = 0;
  //! True for a resource that copies into the execution's target volume: a daemon runs at
  //! most `per_volume_concurrency` of those at once per volume (task_admission.h), and
  //! only while they run.
  virtual bool copies_into_volume() const { return false; }
};

//! What a resource returns when the world is not ready yet: the executor runs it again at
//! `when` (see "WAITING FOR THE OUTSIDE WORLD" above).
core::Result<core::Json> poll_again(TaskContext& ctx, core::Clock::WallTime when);

using TaskFunction = std::function<core::Result<core::Json>(const core::Json&, TaskContext&)>;

//! A resource from a function (handy for tests and small built-ins).
std::shared_ptr<TaskResource> make_task_resource(TaskFunction fn, bool copies_into_volume = false);

}  // namespace lifeboat::workflow

// Executor: runs ASL executions durably on an ExecutionStore.
//
// An execution is a row (status, input, output, a private cursor saying which state it is
// in and in which phase) plus an append-only event history. The executor moves an
// execution one step at a time, and every step ends in one atomic ExecutionStore::write
// of the new cursor and the events it produced. So after `kill -9` at any moment,
// recover() finds every RUNNING execution where its last write left it:
//   - in a Wait or a retry back-off: the wake-up time is stored as wall time, so it
//     resumes with the time it had left;
//   - polling a Task that was not ready: like a Wait, it looks again at the stored time;
//   - in a Task: "TaskStarted" was committed before the resource ran, so the task runs
//     again (resources are idempotent, task_resource.h); nothing before it re-runs;
//   - between states: it continues with the next state.
// Parallel branches and Map iterations are child executions (own rows and histories),
// so they are durable the same way; the parent waits for them without holding a thread.
//
// Waits and back-offs hold no thread: they are entries in a timer queue ordered by the
// injected clock. run_ready() performs every step that is due now and returns; a driver
// (the CLI's --wait, the daemon, or a test with FakeClock) calls it again at
// next_wake_time(). Tasks run inline on the calling thread; a task that waits for the
// outside world answers "look again at T" (task_resource.h) and is then a timer like a
// Wait, recorded durably (phase "poll"). Per-execution caps and value ranges: see
// execution_limits.h.
//
// A definition is parsed once into typed states (state.h) and cached per execution; the
// progress within an execution is an ExecutionCursor (execution_cursor.h). Each kind of
// state has its handler in workflow/states/; this class keeps the step loop, the commit
// and the scheduling. A Parallel/Map parent reads only its running children at each step,
// so its store work grows linearly with its children.
//
// Thread safety: one thread drives an Executor. Several processes may drive executors on
// the same store: a step whose row changed under it (e.g. `executions stop` from another
// process) is discarded, never written.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"
#include "store/execution_store.h"
#include "workflow/asl_error.h"
#include "workflow/error_handling.h"
#include "workflow/execution_limits.h"
#include "workflow/state.h"
#include "workflow/state_machine.h"
#include "workflow/task_admission.h"
#include "workflow/task_resource_registry.h"

namespace lifeboat::workflow {

struct ExecutorOptions {
  //! Seed for retry jitter; 0 seeds from std::random_device.
  std::uint64_t random_seed = 0;
  //! The per-execution caps (execution_limits.h). Tests lower them; production keeps these.
  std::int64_t max_state_transitions = kMaxStateTransitions;
  std::int64_t max_history_events = kMaxHistoryEvents;
  //! Rations tasks whose resource copies_into_volume() (task_admission.h); null admits all.
  //! Borrowed: must outlive the executor.
  TaskAdmission* admission = nullptr;
};

class Executor {
 public:
  //! The executor keeps references to `store`, `registry` and `clock`: they must outlive it.
  Executor(store::ExecutionStore& store, const TaskResourceRegistry& registry,
           const core::Clock& clock, ExecutorOptions options = {});

  //! Records a new execution of `definition` (validated against the registry) with
  //! `input` and queues it. `name` defaults to the id. `id` defaults to a new UUID; a
  //! caller that derives ids (the dispatcher: one per change) gets AlreadyExists when an
  //! execution with that id exists, which makes its start idempotent. With `queue_here`
  //! false the execution is only recorded, for another executor to resume().
  //! Returns the execution id.
  core::Result<std::string> start(const core::Json& definition, const core::Json& input,
                                  const std::string& name = "", const std::string& id = "",
                                  bool queue_here = true);

  //! Queues every RUNNING execution in the store (after a restart): due ones to run,
  //! waiting ones on the timer queue.
  core::Status recover();

  //! Queues one execution (e.g. started by another process); no-op if it is not RUNNING.
  core::Status resume(const std::string& id);
  //! Queues a top-level execution and every RUNNING execution below it (its Parallel
  //! branches and Map iterations, at any depth): what a daemon that claimed the tree's
  //! lease runs.
  core::Status resume_tree(const std::string& root_id);

  //! Every step committed from now on names `fence` (store::LeaseFence): it commits only
  //! while that lease holds (execution_leases.h). Unset: steps commit without a lease (a
  //! store only this process drives).
  void set_fence(std::optional<store::LeaseFence> fence) { fence_ = std::move(fence); }

  //! Performs every step that is due now (moving due timers to the ready queue first) until
  //! nothing more is. Returns the number of steps taken.
  std::size_t run_ready();

  //! Removes every execution queued here, on the timer queue or ready, and returns each with
  //! the time it is due (now for ready ones). For a driver that keeps its own timers (the
  //! daemon's worker pool) so that waiting executions hold no thread.
  std::vector<std::pair<core::Clock::WallTime, std::string>> take_queued();

  //! When the earliest timer is due, if any timer is queued.
  std::optional<core::Clock::WallTime> next_wake_time() const;
  //! True when nothing is ready and no timer is queued.
  bool idle() const { return ready_.empty() && timers_.empty(); }

  //! Sleeps until a wall time; the default sleeps in real time for the difference
  //! against the executor's clock. Tests with FakeClock pass one that advances it.
  using Sleeper = std::function<void(core::Clock::WallTime)>;
  //! Drives execution `id` until it is no longer RUNNING (run_ready, then sleep to the
  //! next timer). Returns its final record. Fails if nothing is left to do while it is
  //! still RUNNING (e.g. its children are run by another process).
  core::Result<store::ExecutionRecord> run_until_finished(const std::string& id,
                                                          const Sleeper& sleeper = {});
  //! Drives every queued execution until the executor is idle.
  void run_until_idle(const Sleeper& sleeper = {});

  //! Asks a running task to stop at its next safe point and makes this executor drop the
  //! step it is in: the execution stays where its last commit left it (a Task re-runs on
  //! the next resume), and run_ready() takes no further steps. For graceful shutdown.
  //! Thread safe (the only method that may be called from another thread).
  void interrupt();
  //! Asks the task running now (if any) to stop and makes the current run_ready() return
  //! without recording it, like interrupt(), but only for this run: the next run_ready()
  //! works again. For a daemon whose lease on the tree it runs was lost. Thread safe.
  void interrupt_current();

  //! Stops a RUNNING execution and its children: status ABORTED, event ExecutionAborted.
  //! NotFound for an unknown id, FailedPrecondition if it already finished.
  core::Status stop(const std::string& id, const std::string& error = "Lifeboat.Stopped",
                    const std::string& cause = "stopped by request");

 private:
  struct Step;

  // The step loop, commit and scheduling (executor.cpp).
  void step(const std::string& id);
  void run_phase(Step& s, const State& state);
  bool commit(Step& s);
  void event(Step& s, const std::string& type, core::Json details);
  core::Json context_object(const Step& s) const;
  void schedule(const std::string& id, const std::optional<core::Clock::WallTime>& wake_at);
  core::Result<StateMachine> machine_for(const store::ExecutionRecord& rec);
  void default_sleep(core::Clock::WallTime until) const;

  // Entering a state and leaving it (executor.cpp).
  void enter_state(Step& s, const State& state);
  // Raises the transition/history limit error (execution_limits.h) when one is reached;
  // true when it did (the step is then handled).
  bool check_limits(Step& s, const StateCommon& state);
  // ResultSelector, ResultPath, OutputPath, then on to the next state.
  void finish_state(Step& s, const StateCommon& state, const ResultHandling& result,
                    const core::Json& value);
  void transition(Step& s, const StateCommon& state, core::Json output);
  void go_to(Step& s, const std::string& next, core::Json input);
  void succeed_execution(Step& s, core::Json output);
  void fail_execution(Step& s, const AslError& err, const char* event_type = "ExecutionFailed");

  // One handler per kind of state (workflow/states/<kind>_state.cpp). `effective` is the
  // input after InputPath; `ctx` the context object.
  void enter_pass(Step& s, const PassState& state, const core::Json& effective,
                  const core::Json& ctx);
  void enter_choice(Step& s, const ChoiceState& state, const core::Json& effective,
                    const core::Json& ctx);
  void enter_succeed(Step& s, const SucceedState& state, const core::Json& effective,
                     const core::Json& ctx);
  void enter_fail(Step& s, const FailState& state, const core::Json& ctx);
  void enter_wait(Step& s, const WaitState& state, const core::Json& effective,
                  const core::Json& ctx);
  // When a Wait entered now ends; States.Runtime naming the field when its value is out of
  // range (execution_limits.h).
  core::Result<core::Clock::WallTime> wait_until(const WaitState& state,
                                                 const core::Json& effective,
                                                 const core::Json& ctx) const;
  void finish_wait(Step& s, const WaitState& state);
  void enter_task(Step& s, const TaskState& state, const core::Json& effective,
                  const core::Json& ctx);
  // A Task's TimeoutSeconds(Path), with HeartbeatSecondsPath checked too; States.Runtime
  // naming the field when a path selects an out-of-range value.
  core::Result<std::optional<std::int64_t>> task_timeout(const TaskState& state,
                                                         const core::Json& raw,
                                                         const core::Json& ctx) const;
  void run_task(Step& s, const TaskState& state);
  // Records that the running task is not ready: run it again at `when` (bounded).
  void poll_task(Step& s, const std::string& uri, core::Clock::WallTime when,
                 std::optional<core::Clock::WallTime> deadline);

  // Parallel branches and Map iterations as child executions
  // (workflow/states/parallel_map_children.cpp). `state` is a ParallelState or a MapState.
  void enter_children(Step& s, const State& state, const core::Json& effective,
                      const core::Json& ctx);
  void start_children(Step& s, const State& state);
  void check_children(Step& s, const State& state);
  store::ExecutionRecord new_child(const Step& s, std::int64_t index, const ChildMachine& machine,
                                   const core::Json& input);

  // Retry, then Catch, then failure (workflow/states/error_handler.cpp).
  void handle_error(Step& s, const StateCommon& state, const AslError& err);

  store::ExecutionStore& store_;
  const TaskResourceRegistry& registry_;
  const core::Clock& clock_;
  const ExecutorOptions options_;
  std::mt19937_64 random_;
  std::deque<std::string> ready_;
  std::set<std::string> ready_set_;
  std::multimap<core::Clock::WallTime, std::string> timers_;
  std::map<std::string, StateMachine> machines_;
  std::optional<store::LeaseFence> fence_;
  std::stop_source stop_;  // shutdown: for good
  // This run_ready()'s stop; replaced (under run_stop_mu_) when a run begins.
  std::mutex run_stop_mu_;
  std::stop_source run_stop_;
};

}  // namespace lifeboat::workflow

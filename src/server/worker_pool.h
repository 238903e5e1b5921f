// WorkerPool: runs workflow executions on a fixed number of threads, with at most
// `per_volume` copies into one target volume at once (copies into one EFS volume share its
// throughput; more at once only makes each slower).
//
// A worker holds an execution only while it has work to do now. Each worker owns a
// WorkflowRuntime (its own Executor) over the shared store; it resumes a queued execution,
// runs it (and any child executions it wakes) until nothing is due, and hands whatever is
// left waiting — a Wait, a retry back-off, a task polling for the outside world (e.g.
// lifeboat:home.await) — back to the pool's timer queue (Executor::take_queued). The pool
// re-queues each at its time on the injected clock. So a recovery waiting for a home that
// never appears holds no thread and no slot.
//
// Per-volume slots are taken for the copy itself: the pool is the executor's TaskAdmission
// (workflow/task_admission.h). A task whose resource copies_into_volume() (transfer.run)
// gets a slot of the volume named by its execution's input (targetHome.volumeId; "" when
// there is none) or is parked until one frees, and gives it back when the task returns.
//
// Durability: everything waiting is in the store (wake times, phases); on stop() workers
// finish the step they are in and the rest stays RUNNING in the store, and the next start
// resumes it (Executor::recover semantics), waits and polls included.
//
// Time: timers are wall times of the injected clock. A worker with nothing to do sleeps
// until the earliest timer, and at most kTimerCheck, so that a clock that jumps (a test's
// FakeClock) is noticed; wake() makes workers look at once.
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "registry/registry.h"
#include "store/store.h"
#include "workflow/executor.h"
#include "workflow/task_admission.h"

namespace lifeboat::server {

class WorkerPool final : private workflow::TaskAdmission {
 public:
  //! Called when an execution finishes (status != RUNNING), and for one paused by stop().
  using Observer = std::function<void(const std::string& id, store::ExecutionStatus status)>;

  //! The longest a worker with nothing to do sleeps before it looks at the clock again.
  static constexpr std::chrono::milliseconds kTimerCheck{1000};

  //! Borrows store, registry and clock. Starts `workers` threads at once.
  WorkerPool(store::Store& store, registry::Registry& registry, const core::Clock& clock,
             int workers, int per_volume, Observer observer = {});
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  //! Queues execution `id` to run now (no-op if it is queued already; if it is running,
  //! it runs again after). Cancels a timer it waits on: its step finds out what is due.
  void submit(const std::string& id);
  //! Executions the pool holds: queued, running, on a timer or waiting for a volume slot.
  std::size_t in_flight() const;
  //! Executions on the pool's timer queue (waiting, holding no thread).
  std::size_t waiting() const;
  //! Executions waiting for a slot of a volume.
  std::size_t parked() const;
  //! Makes idle workers look at the clock now (after a FakeClock moved, in tests).
  void wake();
  //! Stops taking work, interrupts running tasks at their next safe point, and joins the
  //! threads. Idempotent.
  void stop();
  //! True once stop() was called.
  bool stopping() const;

 private:
  // Where an execution the pool holds is; more than one may be true while it runs.
  struct Entry {
    bool queued = false;   // in queue_
    bool running = false;  // a worker has it
    bool parked = false;   // in parked_, waiting for a volume slot
    bool again = false;    // submitted while running: queue it again when the worker lets go
    std::optional<core::Clock::WallTime> due;  // in timers_ at this time
  };

  void worker_main(int index);
  // Takes the next queued execution (moving due timers first); false on stop.
  bool next(std::string& id);
  // Under mu_: takes `id` off the timer queue, if it is on it.
  void cancel_timer_locked(const std::string& id, Entry& entry);
  // Under mu_: queues `id` to run now, cancelling its timer (it must not be running).
  void queue_locked(const std::string& id, Entry& entry);
  // Under mu_: puts `id` on the timer queue for `at`, unless it is queued, parked or running
  // (then it is looked at anyway, and finds its wake time in the store).
  void add_timer_locked(const std::string& id, core::Clock::WallTime at);
  // Under mu_: forgets `id` once it is nowhere.
  void forget_if_idle_locked(const std::string& id);

  bool try_admit(const workflow::TaskResource& resource, const workflow::TaskContext& ctx) override;
  void release(const workflow::TaskResource& resource, const workflow::TaskContext& ctx) override;

  store::Store& store_;
  registry::Registry& registry_;
  const core::Clock& clock_;
  int per_volume_;
  Observer observer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::map<std::string, Entry> known_;
  std::multimap<core::Clock::WallTime, std::string> timers_;
  std::map<std::string, int> volume_use_;
  std::map<std::string, std::deque<std::string>> parked_;  // volume -> executions
  std::vector<workflow::Executor*> executors_;             // each worker's, to interrupt on stop()
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lifeboat::server

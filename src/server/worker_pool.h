// WorkerPool: runs workflow executions on a fixed number of threads, with at most
// `per_volume` executions at once per target volume (copies into one EFS volume share its
// throughput; more at once only makes each slower).
//
// Each worker owns a WorkflowRuntime (its own Executor) over the shared store, so
// executions run in parallel while each is driven by one thread. submit() queues an
// execution id; a worker resumes it from the store and drives it to the end. Waits inside
// an execution sleep on the worker (interruptibly: stop() wakes them). On stop() workers
// finish the step they are in and leave the rest RUNNING in the store: the next start
// resumes it (Executor::recover semantics).
//
// Thread safety: submit(), queued() and stop() may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "registry/registry.h"
#include "store/store.h"
#include "workflow/executor.h"

namespace lifeboat::server {

class WorkerPool {
 public:
  //! Called when an execution leaves a worker: finished (status != RUNNING) or paused
  //! by stop().
  using Observer = std::function<void(const std::string& id, const std::string& status)>;

  //! Borrows store, registry and clock. Starts `workers` threads at once.
  WorkerPool(store::Store& store, registry::Registry& registry, const core::Clock& clock,
             int workers, int per_volume, Observer observer = {});
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  //! Queues execution `id` (no-op if it is queued or running already).
  void submit(const std::string& id);
  //! Executions queued or running.
  std::size_t in_flight() const;
  //! Stops taking work, interrupts waits and running tasks at their next safe point, and
  //! joins the threads. Idempotent.
  void stop();
  //! True once stop() was called.
  bool stopping() const;

 private:
  void worker_main(int index);
  // Blocks until `volume` has a free slot (or stop); returns false on stop.
  bool acquire_volume(const std::string& volume);
  void release_volume(const std::string& volume);

  store::Store& store_;
  registry::Registry& registry_;
  const core::Clock& clock_;
  int per_volume_;
  Observer observer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> known_;  // queued or running
  std::map<std::string, int> volume_use_;
  std::vector<workflow::Executor*> executors_;  // each worker's, to interrupt on stop()
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lifeboat::server

// WorkerPool: runs workflow executions on a fixed number of threads, sharing the work with
// every other daemon on the same store through execution leases (store/execution_leases.h),
// with at most `per_volume` copies into one target volume at once across all of them
// (copies into one EFS volume share its throughput; more at once only makes each slower).
//
// The unit of work is a top-level execution with its children (its tree). A worker claims
// a due tree from the store with a lease, runs every step of it that is due now on its own
// Executor (each step fenced by the lease), and releases the lease, recording in the store
// when the tree next needs a worker: a Wait, a retry back-off, a task polling for the
// outside world (e.g. lifeboat:home.await) holds no thread, no lease and no slot, however
// long it waits. Any daemon claims the tree when it is due; this pool also keeps a local
// timer for the trees it released, so it looks again on time without polling faster.
// A keeper thread renews the leases of the trees being run every third of the lease's
// duration; when one is lost (this daemon was paused or partitioned past its expiry, and
// another took the tree over), the worker's task is interrupted and nothing it did after
// is committed.
//
// Per-volume slots are taken for the copy itself: the pool is the executor's TaskAdmission
// (workflow/task_admission.h). A task whose resource copies_into_volume() (transfer.run)
// takes a slot of the volume named by its execution's input (targetHome.volumeId; "" when
// there is none) in the store, or its tree is released as parked and tried again when a
// slot of this daemon frees or after kParkRetry (a slot another daemon frees).
//
// Durability: everything is in the store (wake times, phases, due times); on stop()
// workers finish the step they are in, release their leases as due now, and the rest stays
// RUNNING for the next daemon to claim. A daemon killed outright leaves its leases to
// expire (or to be taken back at once by the same owner's next start: Daemon).
//
// Time: leases, due times and timers are wall times of the injected clock. A worker with
// nothing to do sleeps until its earliest local timer, and at most `poll`, before it looks
// in the store again; submit() and wake() make workers look at once.
//
// Thread safety: every public method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
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
#include "store/execution_leases.h"
#include "store/store.h"
#include "workflow/executor.h"
#include "workflow/task_admission.h"

namespace lifeboat::server {

struct LeaseSettings {
  std::string owner = "lifeboat";              //!< this daemon's id in every lease it takes
  std::chrono::milliseconds ttl{30000};        //!< how long a lease holds without renewal
  std::chrono::milliseconds poll{1000};        //!< longest an idle worker waits before looking
  std::chrono::milliseconds park_retry{2000};  //!< when a parked tree is tried again at latest
};

class WorkerPool final : private workflow::TaskAdmission {
 public:
  //! Called when an execution finishes (status != RUNNING), and for one paused by stop().
  using Observer = std::function<void(const std::string& id, store::ExecutionStatus status)>;

  //! Borrows store, registry and clock. Starts `workers` threads and the lease keeper.
  WorkerPool(store::Store& store, registry::Registry& registry, const core::Clock& clock,
             int workers, int per_volume, LeaseSettings leases = {}, Observer observer = {});
  ~WorkerPool() override;
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  //! Execution `id` was started or made due (it is in the store): workers look now.
  void submit(const std::string& id);
  //! Trees this pool holds: running, on a local timer or parked.
  std::size_t in_flight() const;
  //! Trees this pool released to wait, on its local timers (holding no thread).
  std::size_t waiting() const;
  //! Trees released because no copy slot of their volume was free.
  std::size_t parked() const;
  //! Trees a worker thread is running now (the workers that are busy).
  std::size_t busy() const;
  //! Makes idle workers look at the clock and the store now.
  void wake();
  //! Stops taking work, interrupts running tasks at their next safe point, releases every
  //! lease as due now, and joins the threads. Idempotent.
  void stop();
  //! True once stop() was called.
  bool stopping() const;

 private:
  struct Running {
    store::LeaseFence fence;
    workflow::Executor* executor = nullptr;
    bool parked = false;  // a copy was refused a slot during this run
  };

  void worker_main(int index);
  void keeper_main();
  // Waits until there may be work; false on stop.
  bool wait_for_work(std::uint64_t& seen_pokes);
  // Runs one claimed tree to the point where nothing in it is due, then releases it.
  void run_tree(const store::ExecutionLease& lease, workflow::Executor& executor,
                store::ExecutionStore& executions);

  bool try_admit(const workflow::TaskResource& resource, const workflow::TaskContext& ctx) override;
  void release(const workflow::TaskResource& resource, const workflow::TaskContext& ctx) override;

  store::Store& store_;
  registry::Registry& registry_;
  const core::Clock& clock_;
  int per_volume_;
  LeaseSettings settings_;
  Observer observer_;
  store::ExecutionLeases leases_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t pokes_ = 0;                                   // bumped by submit/wake/slot frees
  std::multimap<core::Clock::WallTime, std::string> timers_;  // local hints: trees released
  std::map<std::string, core::Clock::WallTime> timer_of_;
  std::map<std::string, std::string> parked_;   // tree -> volume it waits for
  std::map<std::string, Running> running_;      // tree -> its lease and executor
  std::vector<workflow::Executor*> executors_;  // each worker's, to interrupt on stop()
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::thread keeper_;
};

}  // namespace lifeboat::server

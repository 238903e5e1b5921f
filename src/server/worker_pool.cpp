#include "server/worker_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "tasks/workflow_runtime.h"

namespace lifeboat::server {
namespace {

using WallTime = core::Clock::WallTime;

// The volume a copy writes into, from the top-level recovery input (the recovery planner
// names the target home's volume); executions without one share the "" slot group.
std::string target_volume(const core::Json& input) {
  if (input.is_object() && input.contains("targetHome") && input["targetHome"].is_object()) {
    const auto& home = input["targetHome"];
    if (home.contains("volumeId") && home["volumeId"].is_string())
      return home["volumeId"].get<std::string>();
  }
  return "";
}

// The tree the calling worker thread runs now ("" outside run_tree): admission asks for
// the slot on that tree's lease.
thread_local std::string current_tree;

}  // namespace

WorkerPool::WorkerPool(store::Store& store, registry::Registry& registry, const core::Clock& clock,
                       int workers, int per_volume, LeaseSettings leases, Observer observer)
    : store_(store),
      registry_(registry),
      clock_(clock),
      per_volume_(per_volume),
      settings_(std::move(leases)),
      observer_(std::move(observer)),
      leases_(store) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this, i] { worker_main(i); });
  keeper_ = std::thread([this] { keeper_main(); });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::submit(const std::string& /*id*/) { wake(); }

void WorkerPool::wake() {
  {
    std::lock_guard lock(mu_);
    ++pokes_;
  }
  cv_.notify_all();
}

std::size_t WorkerPool::busy() const {
  std::lock_guard lock(mu_);
  return running_.size();
}

std::size_t WorkerPool::in_flight() const {
  std::lock_guard lock(mu_);
  std::set<std::string> trees;
  for (const auto& [id, r] : running_) trees.insert(id);
  for (const auto& [id, at] : timer_of_) trees.insert(id);
  for (const auto& [id, volume] : parked_) trees.insert(id);
  return trees.size();
}

std::size_t WorkerPool::waiting() const {
  std::lock_guard lock(mu_);
  return timers_.size();
}

std::size_t WorkerPool::parked() const {
  std::lock_guard lock(mu_);
  return parked_.size();
}

bool WorkerPool::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    for (auto* executor : executors_) executor->interrupt();
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  if (keeper_.joinable()) keeper_.join();
}

bool WorkerPool::wait_for_work(std::uint64_t& seen_pokes) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return false;
    const WallTime now = clock_.now();
    if (!timers_.empty() && timers_.begin()->first <= now) {
      // A tree this pool released is due: look in the store (any daemon may take it).
      while (!timers_.empty() && timers_.begin()->first <= now) {
        timer_of_.erase(timers_.begin()->second);
        parked_.erase(timers_.begin()->second);
        timers_.erase(timers_.begin());
      }
      return true;
    }
    if (pokes_ != seen_pokes) {
      seen_pokes = pokes_;
      return true;
    }
    auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(settings_.poll);
    if (!timers_.empty()) wait = std::min(wait, timers_.begin()->first - now);
    if (cv_.wait_for(lock, wait) == std::cv_status::timeout) return !stopping_;
  }
}

void WorkerPool::worker_main(int index) {
  // One runtime per worker: an Executor is driven by one thread. The pool rations copies.
  tasks::WorkflowRuntime runtime(store_, registry_, clock_, this);
  workflow::Executor& executor = runtime.executor();
  std::uint64_t seen_pokes = 0;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    executors_.push_back(&executor);
    seen_pokes = pokes_;
  }
  // Unregister before the runtime goes away (stop() may be iterating under the lock).
  struct Unregister {
    WorkerPool* pool;
    workflow::Executor* executor;
    ~Unregister() {
      std::lock_guard lock(pool->mu_);
      std::erase(pool->executors_, executor);
    }
  } unregister{this, &executor};
  bool look_now = true;  // at start, and after a run: more may be due
  while (look_now || wait_for_work(seen_pokes)) {
    look_now = false;
    if (stopping()) break;
    auto claimed = leases_.claim_due(settings_.owner, clock_.now(), settings_.ttl, 1);
    if (!claimed.is_ok()) {
      spdlog::error("worker {}: claiming work: {}", index, claimed.status().message());
      continue;
    }
    if (claimed->empty()) continue;
    spdlog::debug("worker {} runs execution {} (lease token {})", index,
                  claimed->front().execution_id, claimed->front().token);
    run_tree(claimed->front(), executor, runtime.executions());
    look_now = true;
  }
}

void WorkerPool::run_tree(const store::ExecutionLease& lease, workflow::Executor& executor,
                          store::ExecutionStore& executions) {
  const std::string& id = lease.execution_id;
  {
    std::lock_guard lock(mu_);
    running_[id] = Running{lease.fence(), &executor, false};
    parked_.erase(id);
    if (auto it = timer_of_.find(id); it != timer_of_.end()) {
      auto [first, last] = timers_.equal_range(it->second);
      for (auto t = first; t != last; ++t) {
        if (t->second == id) {
          timers_.erase(t);
          break;
        }
      }
      timer_of_.erase(it);
    }
  }
  current_tree = id;
  executor.set_fence(lease.fence());
  core::Status st = executor.resume_tree(id);
  if (st.is_ok()) executor.run_ready();
  // Whatever is left waits in the store (due_at) and on a local timer, not on this thread.
  auto left = executor.take_queued();
  executor.set_fence(std::nullopt);
  current_tree.clear();

  store::ExecutionStatus status = store::ExecutionStatus::kRunning;
  auto rec = executions.get_execution(id);
  if (rec.is_ok() && *rec) {
    status = (*rec)->status;
  } else if (st.is_ok()) {
    st = rec.is_ok() ? core::Status::not_found("no execution '" + id + "'") : rec.status();
  }
  if (!st.is_ok()) spdlog::error("execution {}: {}", id, st.message());
  bool parked = false;
  bool stopped = false;
  {
    std::lock_guard lock(mu_);
    parked = running_[id].parked;
    running_.erase(id);
    stopped = stopping_;
  }
  const WallTime now = clock_.now();
  std::optional<WallTime> due;  // unset: due now
  if (status == store::ExecutionStatus::kRunning && !stopped) {
    if (parked) {
      due = now + settings_.park_retry;
    } else if (!left.empty()) {
      due = std::min_element(left.begin(), left.end())->first;
    } else {
      due = now + settings_.poll;  // a failed or interrupted run: look again soon
    }
  }
  if (auto released = leases_.release(lease.fence(), due); !released.is_ok()) {
    spdlog::error("execution {}: releasing its lease: {} (it is taken over when it expires)", id,
                  released.message());
  }
  if (status == store::ExecutionStatus::kRunning && !stopped && due) {
    std::lock_guard lock(mu_);
    timers_.emplace(*due, id);
    timer_of_[id] = *due;
  }
  cv_.notify_all();
  if (observer_ && (status != store::ExecutionStatus::kRunning || stopped)) observer_(id, status);
}

void WorkerPool::keeper_main() {
  const auto every = std::max(settings_.ttl / 3, std::chrono::milliseconds(10));
  for (;;) {
    std::vector<store::LeaseFence> fences;
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, every, [&] { return stopping_; })) return;
      for (const auto& [id, r] : running_) fences.push_back(r.fence);
    }
    auto lost = leases_.renew(fences, clock_.now(), settings_.ttl);
    if (!lost.is_ok()) {
      spdlog::warn("renewing {} lease(s): {}", fences.size(), lost.status().message());
      continue;
    }
    std::lock_guard lock(mu_);
    for (const auto& id : *lost) {
      auto it = running_.find(id);
      if (it == running_.end()) continue;
      spdlog::warn(
          "execution {}: this daemon's lease was lost (it was paused or cut off past "
          "its expiry); stopping its task, another daemon resumes it",
          id);
      it->second.executor->interrupt_current();
    }
  }
}

bool WorkerPool::try_admit(const workflow::TaskResource& /*resource*/,
                           const workflow::TaskContext& ctx) {
  const std::string volume = target_volume(ctx.execution_input);
  store::LeaseFence fence;
  {
    std::lock_guard lock(mu_);
    auto it = running_.find(current_tree);
    if (it == running_.end()) return true;  // not run by this pool: nothing to ration
    fence = it->second.fence;
  }
  auto taken = leases_.take_copy_slot(fence, volume, per_volume_, clock_.now());
  if (taken.is_ok() && *taken) return true;
  if (!taken.is_ok()) {
    spdlog::warn("execution {}: taking a copy slot of volume '{}': {}", ctx.execution_id, volume,
                 taken.status().message());
  }
  std::lock_guard lock(mu_);
  running_[current_tree].parked = true;
  parked_[current_tree] = volume;
  spdlog::debug("execution {} waits for a copy slot of volume '{}'", ctx.execution_id, volume);
  return false;
}

void WorkerPool::release(const workflow::TaskResource& /*resource*/,
                         const workflow::TaskContext& ctx) {
  const std::string volume = target_volume(ctx.execution_input);
  store::LeaseFence fence;
  std::vector<std::string> waiting;
  {
    std::lock_guard lock(mu_);
    auto it = running_.find(current_tree);
    if (it == running_.end()) return;
    fence = it->second.fence;
    for (const auto& [tree, v] : parked_)
      if (v == volume && running_.count(tree) == 0) waiting.push_back(tree);
  }
  if (auto st = leases_.release_copy_slot(fence); !st.is_ok()) {
    spdlog::warn("execution {}: freeing its copy slot: {} (it frees when the lease ends)",
                 ctx.execution_id, st.message());
  }
  // The trees this daemon parked for the volume are due again; one of them takes the slot.
  for (const auto& tree : waiting) {
    if (auto st = leases_.make_due(tree); !st.is_ok()) {
      spdlog::warn("execution {}: {}", tree, st.message());
    }
  }
  if (!waiting.empty()) wake();
}

}  // namespace lifeboat::server

#include "server/worker_pool.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "tasks/workflow_runtime.h"

namespace lifeboat::server {
namespace {

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

}  // namespace

WorkerPool::WorkerPool(store::Store& store, registry::Registry& registry, const core::Clock& clock,
                       int workers, int per_volume, Observer observer)
    : store_(store),
      registry_(registry),
      clock_(clock),
      per_volume_(per_volume),
      observer_(std::move(observer)) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this, i] { worker_main(i); });
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::cancel_timer_locked(const std::string& id, Entry& entry) {
  if (!entry.due) return;
  auto [first, last] = timers_.equal_range(*entry.due);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      timers_.erase(it);
      break;
    }
  }
  entry.due.reset();
}

void WorkerPool::queue_locked(const std::string& id, Entry& entry) {
  cancel_timer_locked(id, entry);
  if (!entry.queued) {
    entry.queued = true;
    queue_.push_back(id);
  }
}

void WorkerPool::add_timer_locked(const std::string& id, core::Clock::WallTime at) {
  Entry& entry = known_[id];
  if (entry.running) {
    entry.again = true;
    return;
  }
  if (entry.queued || entry.parked) return;
  if (entry.due && *entry.due <= at) return;  // an earlier look is booked already
  cancel_timer_locked(id, entry);
  entry.due = at;
  timers_.emplace(at, id);
}

void WorkerPool::forget_if_idle_locked(const std::string& id) {
  auto it = known_.find(id);
  if (it == known_.end()) return;
  const Entry& e = it->second;
  if (!e.queued && !e.running && !e.parked && !e.due) known_.erase(it);
}

void WorkerPool::submit(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    Entry& entry = known_[id];
    if (entry.running) {
      entry.again = true;
    } else if (!entry.parked) {  // a parked one runs when a slot frees
      queue_locked(id, entry);
    }
  }
  cv_.notify_all();
}

std::size_t WorkerPool::in_flight() const {
  std::lock_guard lock(mu_);
  return known_.size();
}

std::size_t WorkerPool::waiting() const {
  std::lock_guard lock(mu_);
  return timers_.size();
}

std::size_t WorkerPool::parked() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [volume, ids] : parked_) n += ids.size();
  return n;
}

void WorkerPool::wake() { cv_.notify_all(); }

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
}

bool WorkerPool::next(std::string& id) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (stopping_) return false;
    const auto now = clock_.now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      const std::string due = timers_.begin()->second;
      timers_.erase(timers_.begin());
      Entry& entry = known_[due];
      entry.due.reset();
      queue_locked(due, entry);
    }
    if (!queue_.empty()) {
      id = queue_.front();
      queue_.pop_front();
      Entry& entry = known_[id];
      entry.queued = false;
      entry.running = true;
      return true;
    }
    auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(kTimerCheck);
    if (!timers_.empty()) wait = std::min(wait, timers_.begin()->first - now);
    cv_.wait_for(lock, wait);
  }
}

bool WorkerPool::try_admit(const workflow::TaskResource& /*resource*/,
                           const workflow::TaskContext& ctx) {
  const std::string volume = target_volume(ctx.execution_input);
  std::lock_guard lock(mu_);
  if (volume_use_[volume] < per_volume_) {
    ++volume_use_[volume];
    return true;
  }
  Entry& entry = known_[ctx.execution_id];
  if (!entry.parked) {
    entry.parked = true;
    parked_[volume].push_back(ctx.execution_id);
  }
  spdlog::debug("execution {} waits for a copy slot of volume '{}'", ctx.execution_id, volume);
  return false;
}

void WorkerPool::release(const workflow::TaskResource& /*resource*/,
                         const workflow::TaskContext& ctx) {
  const std::string volume = target_volume(ctx.execution_input);
  {
    std::lock_guard lock(mu_);
    --volume_use_[volume];
    auto& waiting = parked_[volume];
    while (!waiting.empty()) {
      const std::string id = waiting.front();
      waiting.pop_front();
      auto it = known_.find(id);
      if (it == known_.end() || !it->second.parked) continue;
      it->second.parked = false;
      if (it->second.running) {
        it->second.again = true;
      } else {
        queue_locked(id, it->second);
      }
      break;
    }
  }
  cv_.notify_all();
}

void WorkerPool::worker_main(int index) {
  // One runtime per worker: an Executor is driven by one thread. The pool rations its copies.
  tasks::WorkflowRuntime runtime(store_, registry_, clock_, this);
  workflow::Executor& executor = runtime.executor();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    executors_.push_back(&executor);
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
  std::string id;
  while (next(id)) {
    spdlog::debug("worker {} runs execution {}", index, id);
    core::Status st = executor.resume(id);
    if (st.is_ok()) executor.run_ready();
    // Whatever is left waits on the pool's timers, not on this thread.
    auto left = executor.take_queued();
    store::ExecutionStatus status = store::ExecutionStatus::kRunning;
    auto rec = runtime.executions().get_execution(id);
    if (rec.is_ok() && *rec) {
      status = (*rec)->status;
    } else if (st.is_ok()) {
      st = rec.is_ok() ? core::Status::not_found("no execution '" + id + "'") : rec.status();
    }
    if (!st.is_ok()) spdlog::error("execution {}: {}", id, st.message());
    bool stopped = false;
    {
      std::lock_guard lock(mu_);
      stopped = stopping_;
      Entry& entry = known_[id];
      entry.running = false;
      const bool again = entry.again;
      entry.again = false;
      for (const auto& [at, other] : left) add_timer_locked(other, at);
      if (again && !entry.parked) queue_locked(id, known_[id]);
      forget_if_idle_locked(id);
    }
    cv_.notify_all();
    if (observer_ && (status != store::ExecutionStatus::kRunning || stopped)) observer_(id, status);
  }
}

}  // namespace lifeboat::server

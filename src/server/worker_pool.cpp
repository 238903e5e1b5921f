#include "server/worker_pool.h"

#include <spdlog/spdlog.h>

#include "tasks/workflow_runtime.h"

namespace lifeboat::server {
namespace {

// The target volume an execution copies into, from the recovery input; executions
// without one share the "" slot group.
std::string target_volume(store::Store& store, const std::string& id) {
  store::SqlExecutionStore executions(store);
  auto rec = executions.get_execution(id);
  if (!rec.is_ok() || !*rec) return "";
  core::Json input = core::Json::parse((*rec)->input, nullptr, false);
  // The recovery input (dispatch/recovery_planner.h) names the target home's volume.
  if (input.is_object() && input.contains("targetHome") && input["targetHome"].is_object()) {
    return input["targetHome"].value("volumeId", "");
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

void WorkerPool::submit(const std::string& id) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || !known_.insert(id).second) return;
    queue_.push_back(id);
  }
  cv_.notify_all();
}

std::size_t WorkerPool::in_flight() const {
  std::lock_guard lock(mu_);
  return known_.size();
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
}

bool WorkerPool::acquire_volume(const std::string& volume) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return stopping_ || volume_use_[volume] < per_volume_; });
  if (stopping_) return false;
  ++volume_use_[volume];
  return true;
}

void WorkerPool::release_volume(const std::string& volume) {
  {
    std::lock_guard lock(mu_);
    --volume_use_[volume];
  }
  cv_.notify_all();
}

void WorkerPool::worker_main(int index) {
  // One runtime per worker: an Executor is driven by one thread.
  tasks::WorkflowRuntime runtime(store_, registry_, clock_);
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
  for (;;) {
    std::string id;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
    }
    const std::string volume = target_volume(store_, id);
    std::string status = store::kExecRunning;
    if (acquire_volume(volume)) {
      spdlog::debug("worker {} runs execution {}", index, id);
      core::Status st = executor.resume(id);
      while (st.is_ok()) {
        executor.run_ready();
        auto rec = runtime.executions().get_execution(id);
        if (!rec.is_ok() || !*rec) {
          st = rec.is_ok() ? core::Status::not_found(id) : rec.status();
          break;
        }
        status = (*rec)->status;
        if (status != store::kExecRunning) break;
        auto wake = executor.next_wake_time();
        if (!wake) break;  // its children run elsewhere: it is picked up again on restart
        std::unique_lock lock(mu_);
        // Wall-clock wake time: wait in steady time for the difference.
        auto delay = *wake - clock_.now();
        if (delay > std::chrono::nanoseconds::zero()) {
          cv_.wait_for(lock, delay, [&] { return stopping_; });
        }
        if (stopping_) break;
      }
      if (!st.is_ok()) spdlog::error("execution {}: {}", id, st.message());
      release_volume(volume);
    }
    {
      std::lock_guard lock(mu_);
      known_.erase(id);
    }
    if (observer_) observer_(id, status);
  }
}

}  // namespace lifeboat::server

#include "transfer/job_queue.h"

#include <thread>

namespace lifeboat::transfer {

void JobQueue::push(Job job) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
    ++outstanding_;
  }
  cv_.notify_one();
}

void JobQueue::run(int threads, const std::function<void(Job&)>& run_job) {
  std::vector<std::jthread> pool;
  pool.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) pool.emplace_back([this, &run_job] { worker(run_job); });
  // Wake the workers if no job was ever queued (an empty or unreadable root).
  cv_.notify_all();
}

void JobQueue::worker(const std::function<void(Job&)>& run_job) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || outstanding_ == 0; });
      if (queue_.empty()) return;
      job = std::move(queue_.back());
      queue_.pop_back();
    }
    run_job(job);
    job = Job{};
    bool done = false;
    {
      std::lock_guard lock(mu_);
      done = --outstanding_ == 0;
    }
    if (done) cv_.notify_all();
  }
}

}  // namespace lifeboat::transfer

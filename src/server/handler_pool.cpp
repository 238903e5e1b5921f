#include "server/handler_pool.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace lifeboat::server {

HandlerPool::HandlerPool(int threads, std::size_t capacity) : capacity_(capacity) {
  for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) threads_.emplace_back([this] { run(); });
}

HandlerPool::~HandlerPool() { stop(); }

bool HandlerPool::try_submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

void HandlerPool::stop() {
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  // Dropped tasks are destroyed here, outside the lock: their captures may own resources
  // whose destructors take locks of their own.
  dropped.clear();
  std::lock_guard join_lock(join_mu_);
  for (auto& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
  }
}

void HandlerPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    // An exception must not end this thread; the caller's task turns its own errors into a
    // response, so one that escapes is a bug worth a log line.
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler failed: {}", e.what());
    } catch (...) {
      spdlog::error("HTTP handler failed with a non-standard exception");
    }
  }
}

}  // namespace lifeboat::server

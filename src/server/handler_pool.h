// HandlerPool: a fixed number of threads running queued tasks, with a bounded queue.
//
// try_submit() never blocks and never grows the queue past its capacity: when the queue is
// full it returns false and the caller answers "busy" (the HTTP server's 503). A task that
// throws is logged and dropped; the thread goes on. stop() drops tasks not yet started,
// waits for running ones and joins the threads; the destructor calls it.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lifeboat::server {

class HandlerPool {
 public:
  //! Starts `threads` threads (at least one) sharing a queue of `capacity` tasks.
  HandlerPool(int threads, std::size_t capacity);
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  //! Queues `task`; false (and `task` is dropped) when the queue is full or stopping.
  bool try_submit(std::function<void()> task);
  //! Drops queued tasks, waits for running ones, joins the threads. Idempotent.
  void stop();

 private:
  void run();

  std::size_t capacity_;
  std::mutex join_mu_;  // one stop() joins at a time
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace lifeboat::server

// SqsIntake: one `[[intake.sqs]]` queue's poller in `lifeboat serve` (README "SQS intake",
// docs/architecture.md "SQS intake").
//
// One thread long-polls the queue (ReceiveMessage, WaitTimeSeconds 20) and hands each
// message body to `submit` — the very function behind POST /v1/events — one message at a
// time. A message is deleted only after submit returned, that is after everything it
// caused is committed; "duplicate" and "ignored" outcomes are committed too. A body that
// can never be applied (larger than max_body_bytes, not JSON, not an event, refused: submit
// says InvalidArgument) is logged with its MessageId and left alone: the queue's redrive
// policy moves it to the dead-letter queue after maxReceiveCount receives. Any other
// failure (the store unreachable) is logged and the message left to reappear when its
// visibility timeout ends. A second thread keeps every received message that is not yet
// settled invisible: once half its visibility timeout has passed it calls
// ChangeMessageVisibility for another full timeout. Bodies are never logged.
//
// Timing is real time on purpose: the visibility timeout runs on SQS's clock, not a
// test's. Thread safety: start() once; stop() from any thread, idempotent; it cancels the
// AWS calls in progress (a long poll ends within about a second) and joins both threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/result.h"
#include "server/event_intake.h"
#include "server/sqs_queue.h"

namespace lifeboat::server {

class SqsIntake {
 public:
  //! What POST /v1/events does with a body (EventIntake::submit in the daemon).
  using Submit = std::function<core::Result<std::vector<IntakeItem>>(std::string_view body)>;

  struct Options {
    int max_messages = 10;
    std::int64_t visibility_timeout_seconds = 60;
    int wait_seconds = 20;                         //!< ReceiveMessage's WaitTimeSeconds (long poll)
    std::int64_t max_body_bytes = 1 << 20;         //!< larger bodies are never applied
    std::chrono::milliseconds max_backoff{30000};  //!< after failed receives, doubling from 1 s
  };

  //! Takes the queue; `on_applied` runs after each message whose events were committed
  //! (the daemon wakes its dispatcher).
  SqsIntake(std::unique_ptr<SqsQueue> queue, Options options, Submit submit,
            std::function<void()> on_applied);
  ~SqsIntake();
  SqsIntake(const SqsIntake&) = delete;
  SqsIntake& operator=(const SqsIntake&) = delete;

  void start();
  void stop();

  //! One ReceiveMessage and the handling of every message it brought, on the caller's
  //! thread (start() does this in a loop). The receive's error, if it failed.
  core::Status poll_once();

  const SqsQueue& queue() const { return *queue_; }

 private:
  void poll_loop();
  void keep_invisible_loop();
  void handle(const SqsMessage& message);
  void hold(const std::string& receipt_handle, const std::string& message_id);
  void release(const std::string& receipt_handle);
  bool stopping();

  struct Held {
    std::string message_id;
    std::chrono::steady_clock::time_point extend_at;
  };

  std::unique_ptr<SqsQueue> queue_;
  Options options_;
  Submit submit_;
  std::function<void()> on_applied_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, Held> held_;  // receipt handle -> message being worked on
  std::thread poll_thread_;
  std::thread keeper_thread_;
};

//! `text` as it may appear in a log line: printable ASCII only (others as '?'), at most
//! `limit` characters (then "..."). Message ids and reasons that came from a queue go
//! through this.
std::string loggable(std::string_view text, std::size_t limit = 128);

}  // namespace lifeboat::server

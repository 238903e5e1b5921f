#include "server/sqs_intake.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace lifeboat::server {
namespace {

// An error message may quote part of a body (the JSON parser's excerpt): keep log lines short.
constexpr std::size_t kMaxLoggedReason = 400;

std::string short_reason(const core::Status& status) {
  return loggable(status.message(), kMaxLoggedReason);
}

std::string summary(const std::vector<IntakeItem>& items) {
  std::map<std::string, int> counts;
  for (const auto& item : items) ++counts[item.outcome];
  std::string out;
  for (const auto& [outcome, n] : counts) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", outcome, n);
  }
  return out.empty() ? "no events" : out;
}

}  // namespace

std::string loggable(std::string_view text, std::size_t limit) {
  std::string out(text.substr(0, limit));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  if (text.size() > limit) out += "...";
  return out;
}

SqsIntake::SqsIntake(std::unique_ptr<SqsQueue> queue, Options options, Submit submit,
                     std::function<void()> on_applied)
    : queue_(std::move(queue)),
      options_(options),
      submit_(std::move(submit)),
      on_applied_(std::move(on_applied)) {}

SqsIntake::~SqsIntake() { stop(); }

void SqsIntake::start() {
  keeper_thread_ = std::thread([this] { keep_invisible_loop(); });
  poll_thread_ = std::thread([this] { poll_loop(); });
}

void SqsIntake::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  queue_->cancel();
  if (poll_thread_.joinable()) poll_thread_.join();
  if (keeper_thread_.joinable()) keeper_thread_.join();
}

bool SqsIntake::stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void SqsIntake::poll_loop() {
  // Finding the credentials may ask a metadata service: on this thread, not the starter's.
  spdlog::info("SQS intake: polling queue {} at {} (region {}, credentials: {})", queue_->url(),
               queue_->endpoint(), queue_->region(), queue_->credential_source());
  std::chrono::milliseconds backoff{0};
  while (!stopping()) {
    core::Status st = poll_once();
    if (stopping()) break;
    if (st.is_ok()) {
      backoff = std::chrono::milliseconds{0};
      continue;
    }
    backoff =
        std::min(options_.max_backoff, std::max(std::chrono::milliseconds(1000), backoff * 2));
    spdlog::warn("SQS intake: queue {}: {} (trying again in {} s)", queue_->name(),
                 short_reason(st), backoff.count() / 1000.0);
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, backoff, [this] { return stopping_; });
  }
}

core::Status SqsIntake::poll_once() {
  int malformed = 0;
  auto received = queue_->receive(options_.max_messages, options_.wait_seconds,
                                  options_.visibility_timeout_seconds, &malformed);
  if (!received.is_ok()) return received.status();
  if (malformed > 0) {
    spdlog::warn(
        "SQS intake: queue {}: {} message(s) without an id, receipt handle or body "
        "were skipped",
        queue_->name(), malformed);
  }
  // Every message of the batch is kept invisible from now on, not only the one being
  // applied: the last of ten may wait for the nine before it.
  for (const auto& m : *received) hold(m.receipt_handle, m.message_id);
  for (const auto& m : *received) {
    if (stopping()) {
      // Left as they are: each reappears when its visibility timeout ends.
      release(m.receipt_handle);
      continue;
    }
    handle(m);
  }
  return core::Status::ok();
}

void SqsIntake::handle(const SqsMessage& m) {
  const std::string id = loggable(m.message_id);
  const std::string where =
      fmt::format("SQS message {} (queue {}, receive {})", id, queue_->name(), m.receive_count);
  if (static_cast<std::int64_t>(m.body.size()) > options_.max_body_bytes) {
    release(m.receipt_handle);
    spdlog::error(
        "{} can never be applied: its body of {} bytes is larger than max_body_bytes "
        "({}); left on the queue for its redrive policy (dead-letter queue)",
        where, m.body.size(), options_.max_body_bytes);
    return;
  }
  auto items = submit_(m.body);
  if (!items.is_ok()) {
    release(m.receipt_handle);
    if (items.status().code() == core::StatusCode::kInvalidArgument) {
      spdlog::error(
          "{} can never be applied: {}; left on the queue for its redrive policy "
          "(dead-letter queue)",
          where, short_reason(items.status()));
    } else {
      spdlog::warn(
          "{} not applied now: {}; it is received again when its visibility timeout "
          "ends",
          where, short_reason(items.status()));
    }
    return;
  }
  if (on_applied_) on_applied_();
  release(m.receipt_handle);
  core::Status deleted = queue_->delete_message(m.receipt_handle);
  if (!deleted.is_ok()) {
    spdlog::warn(
        "{}: {}; deleting it failed ({}): it is received again and then counted as a "
        "duplicate",
        where, summary(*items), short_reason(deleted));
    return;
  }
  spdlog::info("{}: {}; deleted from the queue", where, summary(*items));
}

void SqsIntake::hold(const std::string& receipt_handle, const std::string& message_id) {
  {
    std::lock_guard lock(mu_);
    auto half = std::chrono::milliseconds(options_.visibility_timeout_seconds * 500);
    held_[receipt_handle] = Held{message_id, std::chrono::steady_clock::now() + half};
  }
  cv_.notify_all();
}

void SqsIntake::release(const std::string& receipt_handle) {
  std::lock_guard lock(mu_);
  held_.erase(receipt_handle);
}

void SqsIntake::keep_invisible_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    auto next = std::chrono::steady_clock::time_point::max();
    std::string due;
    for (const auto& [receipt, held] : held_) {
      if (held.extend_at < next) {
        next = held.extend_at;
        due = receipt;
      }
    }
    if (due.empty()) {
      cv_.wait(lock);
      continue;
    }
    if (std::chrono::steady_clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    const std::string id = loggable(held_[due].message_id);
    held_[due].extend_at = std::chrono::steady_clock::now() +
                           std::chrono::milliseconds(options_.visibility_timeout_seconds * 500);
    lock.unlock();
    core::Status st = queue_->change_visibility(due, options_.visibility_timeout_seconds);
    lock.lock();
    // A message settled while the call ran is no longer held: its failure means nothing.
    if (st.is_ok()) {
      spdlog::debug("SQS message {} (queue {}): still being applied; invisible for {} s more", id,
                    queue_->name(), options_.visibility_timeout_seconds);
    } else if (held_.contains(due) && !stopping_) {
      spdlog::warn(
          "SQS message {} (queue {}): could not extend its visibility: {}; another "
          "consumer may receive it too (its effect is still applied once)",
          id, queue_->name(), short_reason(st));
    }
  }
}

}  // namespace lifeboat::server

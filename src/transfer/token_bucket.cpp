#include "transfer/token_bucket.h"

#include <algorithm>
#include <thread>

namespace lifeboat::transfer {

// Starts empty and never holds more than a quarter second's worth, so that the rate holds
// over short copies too.
TokenBucket::TokenBucket(std::uint64_t rate, const core::Clock& clock, Sleeper sleep)
    : rate_(rate), clock_(clock), sleep_(std::move(sleep)), tokens_(0), last_(clock.steady_now()) {}

void TokenBucket::acquire(std::uint64_t bytes) {
  if (rate_ == 0) return;
  std::chrono::duration<double> wait{};
  {
    std::lock_guard lock(mu_);
    auto now = clock_.steady_now();
    double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    auto rate = static_cast<double>(rate_);
    tokens_ = std::min(rate / 4, tokens_ + elapsed * rate);
    // Taking the tokens now (going negative) reserves this caller's place: later callers
    // wait behind it, so the long-run rate holds however the chunks interleave.
    tokens_ -= static_cast<double>(bytes);
    if (tokens_ < 0) wait = std::chrono::duration<double>(-tokens_ / rate);
  }
  if (wait.count() <= 0) return;
  auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(wait);
  if (sleep_) {
    sleep_(d);
  } else {
    std::this_thread::sleep_for(d);
  }
}

}  // namespace lifeboat::transfer

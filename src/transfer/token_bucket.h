// TokenBucket: a bandwidth limit shared by every copy worker (--bwlimit). acquire(n) blocks
// until n bytes may pass at `rate` bytes per second (bursts up to a quarter second's worth).
// Time comes from a core::Clock (steady time) and waits go through a Sleeper, so tests run
// it on a FakeClock without sleeping. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

#include "core/clock.h"

namespace lifeboat::transfer {

class TokenBucket {
 public:
  //! Waits `d` (called without the bucket's lock held).
  using Sleeper = std::function<void(std::chrono::nanoseconds d)>;

  //! `rate` bytes per second; 0 means unlimited (acquire never blocks). `clock` must
  //! outlive the bucket; an empty `sleep` sleeps the calling thread in real time.
  explicit TokenBucket(std::uint64_t rate, const core::Clock& clock = core::SystemClock::instance(),
                       Sleeper sleep = {});
  void acquire(std::uint64_t bytes);

 private:
  std::uint64_t rate_;
  const core::Clock& clock_;
  Sleeper sleep_;
  std::mutex mu_;
  double tokens_;
  core::Clock::SteadyTime last_;
};

}  // namespace lifeboat::transfer

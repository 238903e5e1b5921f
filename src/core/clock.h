// Clock: the seam for time. Production code gets SystemClock; tests get FakeClock
// (fake_clock.h) so waits, retries and lease expiry are tested without sleeping.
// Implementations are thread safe.
#pragma once

#include <chrono>

namespace lifeboat::core {

class Clock {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  using SteadyTime = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  //! Wall-clock time (timestamps in records, ASL Timestamp waits).
  virtual WallTime now() const = 0;
  //! Monotonic time (durations, deadlines).
  virtual SteadyTime steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime now() const override { return std::chrono::system_clock::now(); }
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
  //! A process-wide instance.
  static SystemClock& instance();
};

//! Milliseconds elapsed since `start` on `clock`'s monotonic time.
std::int64_t elapsed_ms(const Clock& clock, Clock::SteadyTime start);

}  // namespace lifeboat::core

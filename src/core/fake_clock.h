// FakeClock: a Clock that moves only when a test tells it to. Thread safe.
#pragma once

#include <mutex>

#include "core/clock.h"

namespace lifeboat::core {

class FakeClock final : public Clock {
 public:
  //! Starts at 2026-01-01T00:00:00Z wall time and an arbitrary steady time.
  FakeClock();

  WallTime now() const override;
  SteadyTime steady_now() const override;

  //! Moves both wall and steady time forward by `d`.
  void advance(std::chrono::nanoseconds d);
  //! Sets wall time; steady time moves by the same amount if forward, stays if backward.
  void set_now(WallTime t);

 private:
  mutable std::mutex mu_;
  WallTime wall_;
  SteadyTime steady_;
};

}  // namespace lifeboat::core

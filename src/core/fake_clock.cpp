#include "core/fake_clock.h"

namespace lifeboat::core {

FakeClock::FakeClock()
    : wall_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}),
      steady_(SteadyTime{} + std::chrono::hours(1000)) {}

Clock::WallTime FakeClock::now() const {
  std::lock_guard lock(mu_);
  return wall_;
}

Clock::SteadyTime FakeClock::steady_now() const {
  std::lock_guard lock(mu_);
  return steady_;
}

void FakeClock::advance(std::chrono::nanoseconds d) {
  std::lock_guard lock(mu_);
  wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  steady_ += d;
}

void FakeClock::set_now(WallTime t) {
  std::lock_guard lock(mu_);
  if (t > wall_) steady_ += t - wall_;
  wall_ = t;
}

}  // namespace lifeboat::core

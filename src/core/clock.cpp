#include "core/clock.h"

namespace lifeboat::core {

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

std::int64_t elapsed_ms(const Clock& clock, Clock::SteadyTime start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.steady_now() - start).count();
}

}  // namespace lifeboat::core

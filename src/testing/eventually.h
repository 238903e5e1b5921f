// eventually(): polls a condition in real time until it holds or a limit passes, for tests
// that wait for other threads or processes (never as a negative check: wait for the event
// that would have to happen instead). Header-only; test-only (src/testing/).
#pragma once

#include <chrono>
#include <thread>

namespace lifeboat::testing {

//! Polls `pred` every `step` until it holds or `limit` passes; its last answer.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(60),
                std::chrono::milliseconds step = std::chrono::milliseconds(100)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(step);
  }
  return pred();
}

}  // namespace lifeboat::testing

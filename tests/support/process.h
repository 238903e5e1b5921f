// Running the real `lifeboat` binary from integration tests. The generic helpers (running
// any program, a scratch directory) live in src/testing/ and are re-exported here.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace lifeboat::testing {

//! Path of the built `lifeboat` binary (from the LIFEBOAT_BIN compile definition).
std::string lifeboat_bin();

//! runs `lifeboat args...`.
ProcessResult run_lifeboat(const std::vector<std::string>& args, const std::string& input = "",
                           const std::vector<std::string>& env = {});

//! Path of lifeboat_testbin: the same CLI with the lifeboat:test.* task resources
//! (src/testing/test_resources.h), which the shipped binary does not have.
std::string lifeboat_testbin();

//! runs `lifeboat_testbin args...`.
ProcessResult run_lifeboat_testbin(const std::vector<std::string>& args,
                                   const std::string& input = "",
                                   const std::vector<std::string>& env = {});

//! Polls `pred` (real time: the tests wait for other processes) every `step` until it
//! holds or `limit` passes; its last answer.
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

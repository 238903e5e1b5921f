// Running the real `lifeboat` binary from integration tests. The generic helpers (running
// any program, a scratch directory, eventually()) live in src/testing/ and are re-exported
// here.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "testing/child_process.h"
#include "testing/eventually.h"
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

}  // namespace lifeboat::testing

// Running the real `lifeboat` binary from integration tests. The generic helpers (running
// any program, a scratch directory) live in src/testing/ and are re-exported here.
#pragma once

#include <string>
#include <vector>

#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace lifeboat::testing {

//! Path of the built `lifeboat` binary (from the LIFEBOAT_BIN compile definition).
std::string lifeboat_bin();

//! runs `lifeboat args...`.
ProcessResult run_lifeboat(const std::vector<std::string>& args, const std::string& input = "",
                           const std::vector<std::string>& env = {});

}  // namespace lifeboat::testing

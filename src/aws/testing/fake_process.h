// Test helper: runs one of the Python fakes in tests/fakes/ for the length of a test.
//
// Header-only on purpose. The aws module's unit tests need it, and so may the whole-binary
// tests in tests/; a source file here would be compiled into lifeboat_aws itself (the
// module globs src/aws/*.cpp). A header under src/aws/testing/ is seen by both test
// binaries and by no production code. Processes and scratch directories come from the
// test-only library in src/testing/.
// Not thread safe: one test thread owns each FakeProcess.
#pragma once

#include <chrono>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "testing/child_process.h"
#include "testing/temp_dir.h"

namespace lifeboat::aws::testing {

using ::lifeboat::testing::TempDir;

//! The python3 the fakes run with (the LIFEBOAT_PYTHON compile definition, else python3).
inline std::string python() {
#ifdef LIFEBOAT_PYTHON
  return LIFEBOAT_PYTHON;
#else
  return "python3";
#endif
}

//! tests/fakes/ of the source tree.
inline std::string fakes_dir() { return std::string(LIFEBOAT_SOURCE_DIR) + "/tests/fakes"; }

//! Starts `python tests/fakes/<script> args... --port-file F [--log L]`, waits (up to 15 s)
//! for the port, and stops the process (SIGTERM, then SIGKILL) when destroyed.
class FakeProcess {
 public:
  FakeProcess(const std::string& script, const std::vector<std::string>& args)
      : dir_("lifeboat-aws") {
    std::string port_file = dir_ / "port";
    std::vector<std::string> argv = {python(), fakes_dir() + "/" + script};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--port-file", port_file, "--log", log_path()});
    process_.emplace(argv, std::vector<std::string>{}, dir_ / "output");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_ && port_ > 0) return;
      if (process_->poll_exit()) {
        throw std::runtime_error(script + " exited before listening: " + dir_.read("output"));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    process_->kill_hard();
    throw std::runtime_error(script + " did not write its port within 15 s");
  }
  ~FakeProcess() {
    if (process_) process_->stop_within(std::chrono::seconds(2));
  }
  FakeProcess(const FakeProcess&) = delete;
  FakeProcess& operator=(const FakeProcess&) = delete;

  int port() const { return port_; }
  //! "http://127.0.0.1:<port>"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  //! Where the fake logs one JSON line per request.
  std::string log_path() const { return dir_ / "requests.log"; }
  //! The logged lines so far.
  std::vector<std::string> log_lines() const {
    std::vector<std::string> lines;
    std::ifstream in(log_path());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  TempDir dir_;
  std::optional<::lifeboat::testing::ChildProcess> process_;
  int port_ = 0;
};

}  // namespace lifeboat::aws::testing

// Running other programs from tests: to completion with its output captured
// (run_process), or in the background for the length of a test (ChildProcess). Test-only
// (src/testing/ is linked into test binaries alone). Not thread safe: one test thread
// owns each ChildProcess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lifeboat::testing {

struct ProcessResult {
  int exit_code = -1;  //!< exit status, or 128+signal if killed
  std::string out;     //!< standard output
  std::string err;     //!< standard error
};

//! Runs `argv` (argv[0] searched in PATH unless it has a '/'), feeding `input` on stdin,
//! and waits for it. `env` entries ("K=V") are added to the environment. Throws
//! std::runtime_error if it cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          const std::vector<std::string>& env = {});

//! A wait status as an exit code: the exit status, or 128+signal if killed.
int exit_code_of(int wait_status);

//! argv and envp arrays for posix_spawn: `argv` as given, the current environment plus
//! `extra_env` ("K=V"). The pointers point into this object: keep it alive for the call.
class SpawnArgs {
 public:
  SpawnArgs(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env);
  char* const* argv() { return argv_.data(); }
  char* const* envp() { return envp_.data(); }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
};

//! A program running in the background: stdin from /dev/null, stdout and stderr appended
//! to `output_file` ("" : /dev/null). Killed (SIGKILL) and reaped by the destructor if it
//! is still running.
class ChildProcess {
 public:
  //! Starts `argv` (argv[0] searched in PATH) with `env` ("K=V") added to the environment;
  //! throws std::runtime_error if it cannot be started.
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
               const std::string& output_file = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  //! -1 once it has been reaped.
  pid_t pid() const { return pid_; }
  //! Its exit code if it has exited (and is now reaped), nullopt while it runs.
  std::optional<int> poll_exit();
  //! Sends `signal` while it runs; no effect once reaped.
  void signal(int signal);
  //! Waits for it to exit; returns its exit code (-1 if already reaped).
  int wait();
  //! SIGTERM, then waits at most `timeout`; nullopt (after a SIGKILL) if it did not exit.
  std::optional<int> stop_within(std::chrono::milliseconds timeout);
  //! SIGKILL and waits; returns the exit code (-1 if already reaped).
  int kill_hard();

 private:
  pid_t pid_ = -1;
};

}  // namespace lifeboat::testing

// Running the real `lifeboat` binary (and other programs) from integration tests.
#pragma once

#include <string>
#include <vector>

namespace lifeboat::testing {

struct ProcessResult {
  int exit_code = -1;  //!< exit status, or 128+signal if killed
  std::string out;     //!< standard output
  std::string err;     //!< standard error
};

//! Runs `argv` (argv[0] searched in PATH unless it has a '/'), feeding `input` on stdin,
//! and waits for it. `env` entries ("K=V") are added to the environment.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "",
                          const std::vector<std::string>& env = {});

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

//! Path of the built `lifeboat` binary (from the LIFEBOAT_BIN compile definition).
std::string lifeboat_bin();

//! runs `lifeboat args...`.
ProcessResult run_lifeboat(const std::vector<std::string>& args, const std::string& input = "",
                           const std::vector<std::string>& env = {});

//! A fresh directory under $TMPDIR removed (recursively) by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

}  // namespace lifeboat::testing

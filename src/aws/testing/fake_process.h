// Test helper: runs one of the Python fakes in tests/fakes/ for the length of a test.
//
// Header-only on purpose. The aws module's unit tests need it, and so may the whole-binary
// tests in tests/; tests/support/ is linked only by the latter, and a source file here
// would be compiled into lifeboat_aws itself (the module globs src/aws/*.cpp). A header
// under src/aws/testing/ is seen by both test binaries and by no production code.
// Not thread safe: one test thread owns each FakeProcess.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;  // NOLINT(readability-redundant-declaration)

namespace lifeboat::aws::testing {

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

//! A fresh directory under $TMPDIR, removed with its contents by the destructor.
class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe)
    std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/lifeboat-aws-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  //! Writes `text` to `name` in this directory; returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path_ + "/" + name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  std::string path_;
};

//! Starts `python tests/fakes/<script> args... --port-file F [--log L]`, waits (up to 15 s)
//! for the port, and stops the process (SIGTERM, then SIGKILL) when destroyed.
class FakeProcess {
 public:
  FakeProcess(const std::string& script, const std::vector<std::string>& args) {
    std::string port_file = dir_.path() + "/port";
    std::vector<std::string> argv = {python(), fakes_dir() + "/" + script};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--port-file", port_file, "--log", log_path()});
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    if (posix_spawnp(&pid_, raw[0], nullptr, nullptr, raw.data(), environ) != 0) {
      throw std::runtime_error("cannot start " + argv[0] + " " + argv[1]);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      if (in >> port_ && port_ > 0) return;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error(script + " exited before listening");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error(script + " did not write its port within 15 s");
  }
  ~FakeProcess() { stop(); }
  FakeProcess(const FakeProcess&) = delete;
  FakeProcess& operator=(const FakeProcess&) = delete;

  int port() const { return port_; }
  //! "http://127.0.0.1:<port>"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  //! Where the fake logs one JSON line per request.
  std::string log_path() const { return dir_.path() + "/requests.log"; }
  //! The logged lines so far.
  std::vector<std::string> log_lines() const {
    std::vector<std::string> lines;
    std::ifstream in(log_path());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

 private:
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  ScratchDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

//! Runs `argv` and returns its standard output (empty if it could not run).
inline std::string run_capture(const std::vector<std::string>& argv) {
  std::string command;
  for (const std::string& a : argv) {
    command += "'";
    for (char c : a) command += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += "' ";
  }
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");  // NOLINT(cert-env33-c): test-only, quoted argv
  if (pipe == nullptr) return out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

}  // namespace lifeboat::aws::testing

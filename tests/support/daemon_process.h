// A real `lifeboat serve` for whole-binary tests: started on a free loopback port with
// its own data dir, spoken to over HTTP (libcurl, through aws::CurlTransport) with its API
// token, stopped with SIGTERM.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aws/http_transport.h"
#include "testing/child_process.h"

namespace lifeboat::testing {

struct HttpResult {
  int status = 0;  //!< HTTP status, 0 if the request failed
  std::string body;
  std::string content_type;
};

//! How to start the daemon, beyond its serve options.
struct DaemonStart {
  std::vector<std::string> global_args;  //!< options before the command, e.g. --verbose
  bool test_resources = false;           //!< run lifeboat_testbin (lifeboat:test.* tasks)
  std::string binary;  //!< another `lifeboat` to run (e.g. one installed from the package)
};

class DaemonProcess {
 public:
  //! Starts `lifeboat start.global_args... --data-dir data_dir serve --listen 127.0.0.1:0
  //! extra_args...` and waits (up to 30 s) until it listens. Throws on failure (with its
  //! log).
  DaemonProcess(const std::string& data_dir, const std::vector<std::string>& extra_args = {},
                const std::vector<std::string>& env = {}, const DaemonStart& start = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int port() const { return port_; }
  //! -1 once it has been stopped.
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  //! Everything the daemon logged so far.
  std::string log() const;
  //! How many times `text` occurs in the log so far.
  int log_count(const std::string& text) const;
  //! Waits (up to `timeout`) until `text` occurs at least `count` times in the log.
  bool wait_for_log(const std::string& text, int count = 1,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;
  //! Waits (up to `timeout`) until the daemon's recovery dispatcher has handled every
  //! change in its SQLite store (data_dir/lifeboat.db): every recovery that the events
  //! applied so far call for has been started. The negative checks ("no second recovery")
  //! wait on this instead of sleeping.
  bool wait_dispatched(std::chrono::milliseconds timeout = std::chrono::seconds(60)) const;

  //! One request; `headers` like "x-api-key: x". The daemon's token (from --token-file,
  //! else api-token in the data dir) is sent as a Bearer header unless `headers` carry an
  //! Authorization or x-api-key header of their own.
  HttpResult request(const std::string& method, const std::string& path,
                     const std::string& body = "", const std::vector<std::string>& headers = {});
  //! One request with no token at all.
  HttpResult request_anonymous(const std::string& method, const std::string& path,
                               const std::string& body = "");
  //! The API token the daemon uses.
  const std::string& token() const { return token_; }

  //! Sends SIGTERM and waits; returns the exit code (128+signal if killed).
  int stop();
  //! Sends SIGTERM and waits at most `timeout`; nullopt (and SIGKILL) if it did not exit.
  std::optional<int> stop_within(std::chrono::milliseconds timeout);
  //! Sends SIGKILL and waits.
  void kill_hard();

 private:
  HttpResult send(const std::string& method, const std::string& path, const std::string& body,
                  const std::vector<std::string>& headers);

  std::string data_dir_;
  std::string log_path_;
  std::string token_;
  std::unique_ptr<ChildProcess> process_;
  aws::CurlTransport http_;
  int port_ = 0;
};

}  // namespace lifeboat::testing

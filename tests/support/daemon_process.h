// A real `lifeboat serve` for whole-binary tests: started on a free loopback port with
// its own data dir, spoken to over HTTP (curl), stopped with SIGTERM.
//
// The daemon answers no API request without a token. Unless the arguments name one
// (`--token-file`), the daemon is started with a token of the fixture's own (a 0600 file
// in the data dir) and request() sends it, so a test that is not about authentication
// need not know about it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace lifeboat::testing {

struct HttpResult {
  int status = 0;  //!< HTTP status, 0 if the request failed
  std::string body;
  std::string content_type;
};

class DaemonProcess {
 public:
  //! Starts `lifeboat --data-dir data_dir serve --listen 127.0.0.1:0 extra_args...` and
  //! waits (up to 30 s) until it listens. Throws on failure (with its log).
  DaemonProcess(const std::string& data_dir, const std::vector<std::string>& extra_args = {},
                const std::vector<std::string>& env = {});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  //! Everything the daemon logged so far.
  std::string log() const;

  //! One request; `headers` like "Authorization: Bearer x". The fixture's own token (see
  //! above) is sent unless `headers` has an Authorization or x-api-key field; a token file
  //! given in the arguments is never sent automatically.
  HttpResult request(const std::string& method, const std::string& path,
                     const std::string& body = "", const std::vector<std::string>& headers = {});

  //! Sends SIGTERM and waits; returns the exit code (128+signal if killed).
  int stop();
  //! Sends SIGTERM and waits at most `timeout`; nullopt (and SIGKILL) if it did not exit.
  std::optional<int> stop_within(std::chrono::milliseconds timeout);
  //! Sends SIGKILL and waits.
  void kill_hard();

 private:
  std::string data_dir_;
  std::string log_path_;
  std::string default_token_;  // empty when the arguments name a token file
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace lifeboat::testing

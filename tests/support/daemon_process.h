// A real `lifeboat serve` for whole-binary tests: started on a free loopback port with
// its own data dir, spoken to over HTTP (curl) with its API token, stopped with SIGTERM.
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
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace lifeboat::testing

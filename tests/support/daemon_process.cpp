#include "support/daemon_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/process.h"

namespace lifeboat::testing {
namespace {

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

DaemonProcess::DaemonProcess(const std::string& data_dir,
                             const std::vector<std::string>& extra_args,
                             const std::vector<std::string>& env)
    : data_dir_(data_dir), log_path_(data_dir + "/serve.log") {
  std::filesystem::create_directories(data_dir);
  const std::string port_file = data_dir + "/serve.port";
  ::unlink(port_file.c_str());
  std::vector<std::string> argv{lifeboat_bin(), "--data-dir",  data_dir,      "serve",
                                "--listen",     "127.0.0.1:0", "--port-file", port_file};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  SpawnArgs spawn_args(argv, env);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  int rc = posix_spawn(&pid_, spawn_args.argv()[0], &actions, nullptr, spawn_args.argv(),
                       spawn_args.envp());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot spawn lifeboat serve: " + std::to_string(rc));
  std::string token_file = data_dir + "/api-token";
  for (std::size_t i = 0; i + 1 < extra_args.size(); ++i) {
    if (extra_args[i] == "--token-file") token_file = extra_args[i + 1];
  }
  for (int i = 0; i < 300; ++i) {
    std::ifstream in(port_file);
    if (in >> port_ && port_ > 0) {
      std::ifstream token_in(token_file);
      std::getline(token_in, token_);
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("lifeboat serve exited at start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill_hard();
  throw std::runtime_error("lifeboat serve did not listen within 30 s:\n" + log());
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) kill_hard();
}

std::string DaemonProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

HttpResult DaemonProcess::request(const std::string& method, const std::string& path,
                                  const std::string& body,
                                  const std::vector<std::string>& headers) {
  std::vector<std::string> all = headers;
  bool has_credentials = false;
  for (const auto& h : headers) {
    std::string lower;
    for (char c : h.substr(0, h.find(':'))) lower += static_cast<char>(std::tolower(c));
    has_credentials = has_credentials || lower == "authorization" || lower == "x-api-key";
  }
  if (!has_credentials) all.push_back("Authorization: Bearer " + token_);
  return send(method, path, body, all);
}

HttpResult DaemonProcess::request_anonymous(const std::string& method, const std::string& path,
                                            const std::string& body) {
  return send(method, path, body, {});
}

HttpResult DaemonProcess::send(const std::string& method, const std::string& path,
                               const std::string& body, const std::vector<std::string>& headers) {
  std::vector<std::string> argv{"curl",       "-sS", "-X", method,
                                "--max-time", "60",  "-w", "\n%{http_code} %{content_type}",
                                "-o",         "-"};
  for (const auto& h : headers) {
    argv.push_back("-H");
    argv.push_back(h);
  }
  if (!body.empty() || method == "POST") {
    argv.push_back("-H");
    argv.push_back("Content-Type: application/json");
    argv.push_back("--data-binary");
    argv.push_back("@-");
  }
  argv.push_back("http://127.0.0.1:" + std::to_string(port_) + path);
  ProcessResult r = run_process(argv, body);
  HttpResult out;
  auto nl = r.out.rfind('\n');
  if (nl == std::string::npos) return out;
  out.body = r.out.substr(0, nl);
  std::istringstream tail(r.out.substr(nl + 1));
  tail >> out.status >> out.content_type;
  return out;
}

int DaemonProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return exit_code_of(status);
}

std::optional<int> DaemonProcess::stop_within(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return exit_code_of(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  kill_hard();
  return std::nullopt;
}

void DaemonProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace lifeboat::testing

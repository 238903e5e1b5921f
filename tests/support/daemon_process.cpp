#include "support/daemon_process.h"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "store/sqlite_store.h"
#include "support/process.h"

namespace lifeboat::testing {

DaemonProcess::DaemonProcess(const std::string& data_dir,
                             const std::vector<std::string>& extra_args,
                             const std::vector<std::string>& env, const DaemonStart& start)
    : data_dir_(data_dir), log_path_(data_dir + "/serve.log") {
  std::filesystem::create_directories(data_dir);
  const std::string port_file = data_dir + "/serve.port";
  ::unlink(port_file.c_str());
  std::vector<std::string> argv{!start.binary.empty()  ? start.binary
                                : start.test_resources ? lifeboat_testbin()
                                                       : lifeboat_bin()};
  argv.insert(argv.end(), start.global_args.begin(), start.global_args.end());
  argv.insert(argv.end(), {"--data-dir", data_dir, "serve", "--listen", "127.0.0.1:0",
                           "--port-file", port_file});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<ChildProcess>(argv, env, log_path_);
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
    if (process_->poll_exit()) {
      throw std::runtime_error("lifeboat serve exited at start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill_hard();
  throw std::runtime_error("lifeboat serve did not listen within 30 s:\n" + log());
}

DaemonProcess::~DaemonProcess() = default;

std::string DaemonProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int DaemonProcess::log_count(const std::string& text) const {
  const std::string all = log();
  int n = 0;
  for (auto at = all.find(text); at != std::string::npos; at = all.find(text, at + text.size())) {
    ++n;
  }
  return n;
}

namespace {

// Polls `done` every 50 ms until it holds or `timeout` passes (we wait for another process).
template <typename Fn>
bool poll_until(Fn done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace

bool DaemonProcess::wait_for_log(const std::string& text, int count,
                                 std::chrono::milliseconds timeout) const {
  return poll_until([&] { return log_count(text) >= count; }, timeout);
}

bool DaemonProcess::wait_dispatched(std::chrono::milliseconds timeout) const {
  // The daemon's dispatcher checkpoints under this consumer name (dispatch/dispatcher.h).
  constexpr std::string_view kConsumer = "recovery-dispatcher";
  const std::string db = data_dir_ + "/lifeboat.db";
  return poll_until(
      [&] {
        auto store = store::SqliteStore::open(db);
        if (!store.is_ok()) return false;
        bool caught_up = false;
        core::Status read = (*store)->read([&](store::StoreTransaction& t) -> core::Status {
          LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t handled, t.consumer_checkpoint(kConsumer));
          LIFEBOAT_ASSIGN_OR_RETURN(auto pending, t.read_changes(handled, 1));
          caught_up = pending.empty();
          return core::Status::ok();
        });
        return read.is_ok() && caught_up;
      },
      timeout);
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
  aws::HttpRequest request;
  request.method = method;
  request.url = "http://127.0.0.1:" + std::to_string(port_) + path;
  request.timeout = std::chrono::seconds(60);
  for (const auto& h : headers) {
    std::size_t colon = h.find(':');
    std::size_t value = h.find_first_not_of(' ', colon + 1);
    request.headers.emplace_back(h.substr(0, colon),
                                 value == std::string::npos ? "" : h.substr(value));
  }
  if (!body.empty() || method == "POST") {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body;
  }
  HttpResult out;
  auto response = http_.send(request);
  if (!response.is_ok()) return out;
  out.status = static_cast<int>(response->status);
  out.body = std::move(response->body);
  out.content_type = response->header("content-type").value_or("");
  return out;
}

int DaemonProcess::stop() {
  if (!process_) return -1;
  process_->signal(SIGTERM);
  return process_->wait();
}

std::optional<int> DaemonProcess::stop_within(std::chrono::milliseconds timeout) {
  if (!process_) return std::nullopt;
  return process_->stop_within(timeout);
}

void DaemonProcess::kill_hard() {
  if (process_) process_->kill_hard();
}

}  // namespace lifeboat::testing

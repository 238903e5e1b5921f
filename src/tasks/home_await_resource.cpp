#include "tasks/home_await_resource.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "workflow/asl_error.h"

namespace lifeboat::tasks {

using core::Json;
using core::Result;
using workflow::asl_error;

namespace {

enum class HomeState { kMissing, kDirectory, kOther };

HomeState probe(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return HomeState::kMissing;
  return S_ISDIR(st.st_mode) ? HomeState::kDirectory : HomeState::kOther;
}

// An inotify watch on `dir`, closed on destruction; fd() is -1 when it could not be set.
class ParentWatch {
 public:
  explicit ParentWatch(const std::string& dir) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0 && inotify_add_watch(fd_, dir.c_str(), IN_CREATE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~ParentWatch() {
    if (fd_ >= 0) ::close(fd_);
  }
  ParentWatch(const ParentWatch&) = delete;
  ParentWatch& operator=(const ParentWatch&) = delete;
  int fd() const { return fd_; }
  // Waits up to `ms` for any event, then drains the queue.
  void wait(int ms) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms) > 0) {
      char buf[4096];
      while (::read(fd_, buf, sizeof buf) > 0) {
      }
    }
  }

 private:
  int fd_ = -1;
};

}  // namespace

Result<Json> HomeAwaitResource::run(const Json& input, workflow::TaskContext& ctx) {
  if (!input.is_object() || !input.contains("path") || !input["path"].is_string())
    return asl_error("Lifeboat.InvalidInput", "home.await needs {\"path\": \"/dir\"}");
  const std::string path = input["path"].get<std::string>();
  const double timeout_s = input.value("timeoutSeconds", 900.0);
  const double poll_s = std::max(0.01, input.value("pollSeconds", 5.0));
  using Steady = std::chrono::steady_clock;
  auto deadline =
      Steady::now() + std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));
  if (ctx.deadline && ctx.clock != nullptr) {
    auto left = *ctx.deadline - ctx.clock->now();
    deadline =
        std::min(deadline, Steady::now() + std::chrono::duration_cast<Steady::duration>(left));
  }
  const std::string parent = std::filesystem::path(path).parent_path().string();
  while (true) {
    // Watch before probing, so a directory created between the two is not missed.
    ParentWatch watch(parent.empty() ? "." : parent);
    switch (probe(path)) {
      case HomeState::kDirectory: {
        Json out = input;
        out["ready"] = true;
        return out;
      }
      case HomeState::kOther:
        return asl_error("Lifeboat.HomeNotDirectory",
                         "'" + path + "' exists but is not a directory");
      case HomeState::kMissing:
        break;
    }
    auto now = Steady::now();
    if (now >= deadline)
      return asl_error("Lifeboat.HomeNotFound",
                       "home directory '" + path + "' did not appear within " +
                           std::to_string(static_cast<std::int64_t>(timeout_s)) + " s");
    if (ctx.cancelled != nullptr && ctx.cancelled->load())
      return asl_error("Lifeboat.Cancelled", "stopped while waiting for '" + path + "'");
    auto left_ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    int slice =
        static_cast<int>(std::min<std::int64_t>(left_ms, static_cast<std::int64_t>(poll_s * 1000)));
    if (watch.fd() >= 0) {
      watch.wait(slice);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(slice));
    }
  }
}

}  // namespace lifeboat::tasks

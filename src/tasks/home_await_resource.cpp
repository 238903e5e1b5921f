#include "tasks/home_await_resource.h"

#include <cerrno>
#include <chrono>
#include <cmath>

#include "workflow/asl_error.h"
#include "workflow/execution_limits.h"

namespace lifeboat::tasks {

using core::Json;
using core::Result;
using workflow::asl_error;

namespace {

constexpr double kDefaultTimeoutSeconds = 30.0 * 24 * 3600;
constexpr double kDefaultPollSeconds = 5;
constexpr double kDefaultMaxPollSeconds = 300;
// The executor looks again no sooner than a second later anyway; an hour apart is the most
// that still reads as "waiting for" something.
constexpr double kMinPollSeconds = 1;
constexpr double kMaxPollSeconds = 3600;

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(std::llround(seconds * 1000));
}

}  // namespace

Result<Json> HomeAwaitResource::run(const Json& input, workflow::TaskContext& ctx) {
  if (fs_ == nullptr || ctx.clock == nullptr)
    return asl_error("Lifeboat.Unavailable", "no file system configured");
  if (!input.is_object() || !input.contains("path") || !input["path"].is_string() ||
      input["path"].get<std::string>().empty())
    return asl_error("Lifeboat.InvalidInput", "home.await needs {\"path\": \"/dir\"}");
  const std::string path = input["path"].get<std::string>();
  auto field = [&](const char* name, double fallback, double lo, double hi) -> Result<double> {
    if (!input.contains(name)) return fallback;
    auto v = workflow::number_in_range(input[name], lo, hi);
    if (!v)
      return asl_error("Lifeboat.InvalidInput",
                       std::string("home.await: field '") + name + "' must be a number from " +
                           std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
                           input[name].dump());
    return *v;
  };
  LIFEBOAT_ASSIGN_OR_RETURN(double timeout_s,
                            field("timeoutSeconds", kDefaultTimeoutSeconds, 0,
                                  static_cast<double>(workflow::kMaxTimeoutSeconds)));
  LIFEBOAT_ASSIGN_OR_RETURN(
      double poll_s, field("pollSeconds", kDefaultPollSeconds, kMinPollSeconds, kMaxPollSeconds));
  LIFEBOAT_ASSIGN_OR_RETURN(double max_poll_s, field("maxPollSeconds", kDefaultMaxPollSeconds,
                                                     kMinPollSeconds, kMaxPollSeconds));

  auto opened = fs_->open_root(path, /*create=*/false);
  if (opened) {
    Json out = input;
    out["ready"] = true;
    return out;
  }
  const int err = opened.status().sys_errno();
  if (err == ENOTDIR || err == ELOOP)
    return asl_error("Lifeboat.HomeNotDirectory",
                     "'" + path + "' exists but is not a directory: " + opened.status().message());
  if (err != ENOENT)
    return asl_error("Lifeboat.IoError",
                     "cannot examine '" + path + "': " + opened.status().message());
  const auto now = ctx.clock->now();
  const auto deadline = ctx.first_run + to_ms(timeout_s);
  if (now >= deadline)
    return asl_error("Lifeboat.HomeNotFound", "home directory '" + path +
                                                  "' did not appear within " +
                                                  std::to_string(std::llround(timeout_s)) + " s");
  const double waited_s = std::chrono::duration<double>(now - ctx.first_run).count();
  const double wait_s = std::max(poll_s, std::min(waited_s / 10, std::max(max_poll_s, poll_s)));
  return workflow::poll_again(ctx, std::min(now + to_ms(wait_s), deadline));
}

}  // namespace lifeboat::tasks

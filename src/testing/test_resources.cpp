#include "testing/test_resources.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "workflow/asl_error.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;

namespace {

Result<Json> count_invocation(const Json& input, const TaskContext& ctx) {
  Json out = input;
  if (input.is_object() && input.contains("counterFile") && input["counterFile"].is_string()) {
    const auto file = input["counterFile"].get<std::string>();
    {
      std::ofstream f(file, std::ios::app);
      f << ctx.state_name << ' ' << ctx.execution_id << '\n';
      f.flush();
      if (!f) return asl_error("Lifeboat.TestIo", "cannot append to '" + file + "'");
    }
    std::ifstream in(file);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) ++lines;
    if (out.is_object()) out["count"] = lines;
  }
  return out;
}

}  // namespace

void register_test_resources(TaskResourceRegistry& registry) {
  registry.add(
      "lifeboat:test.echo",
      make_task_resource([](const Json& input, TaskContext&) -> Result<Json> { return input; }));
  registry.add(
      "lifeboat:test.fail", make_task_resource([](const Json& input, TaskContext&) -> Result<Json> {
        std::string error = input.is_object() ? input.value("error", "Lifeboat.TestFailure")
                                              : "Lifeboat.TestFailure";
        std::string cause =
            input.is_object() ? input.value("cause", "test failure") : "test failure";
        return asl_error(error, cause);
      }));
  registry.add(
      "lifeboat:test.flaky",
      make_task_resource([](const Json& input, TaskContext& ctx) -> Result<Json> {
        int fail_times = input.is_object() ? input.value("failTimes", 1) : 1;
        if (ctx.attempt < fail_times) {
          std::string error =
              input.is_object() ? input.value("error", "Lifeboat.Transient") : "Lifeboat.Transient";
          return asl_error(error, "flaky failure on attempt " + std::to_string(ctx.attempt));
        }
        return input;
      }));
  registry.add("lifeboat:test.count",
               make_task_resource([](const Json& input, TaskContext& ctx) -> Result<Json> {
                 return count_invocation(input, ctx);
               }));
  registry.add(
      "lifeboat:test.block",
      make_task_resource(
          [](const Json& input, TaskContext& ctx) -> Result<Json> {
            LIFEBOAT_ASSIGN_OR_RETURN(Json out, count_invocation(input, ctx));
            std::string release = input.is_object() ? input.value("releaseFile", "") : "";
            double timeout = input.is_object() ? input.value("timeoutSeconds", 60.0) : 60.0;
            auto until = std::chrono::steady_clock::now() +
                         std::chrono::milliseconds(static_cast<std::int64_t>(timeout * 1000));
            // Real time on purpose: this resource stands in for slow outside work.
            while (release.empty() || !std::filesystem::exists(release)) {
              if (std::chrono::steady_clock::now() >= until)
                return asl_error("Lifeboat.TestTimeout", "release file never appeared");
              if (ctx.stop.stop_requested()) return asl_error("Lifeboat.Cancelled", "stopped");
              std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            return out;
          },
          /*copies_into_volume=*/true));
}

}  // namespace lifeboat::workflow

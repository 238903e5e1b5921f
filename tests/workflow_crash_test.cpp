// Crash test of durable executions: a real `lifeboat` process is killed with SIGKILL
// during a Wait and during a Task; after a restart (`lifeboat executions resume`) the
// execution completes, and no state ran twice except the interrupted task. Tasks record
// every invocation in a file (lifeboat:test.count / test.block).
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/time_format.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

using Json = nlohmann::json;

// Lines "<state> <execution id>" the counting resources appended, counted per state.
std::map<std::string, int> invocations(const std::string& file) {
  std::map<std::string, int> out;
  std::ifstream in(file);
  std::string state, id;
  while (in >> state >> id) ++out[state];
  return out;
}

TEST(WorkflowCrash, KilledDuringAWaitAndDuringATaskCompletesAfterRestart) {
  TempDir tmp;
  const std::string data = tmp / "data";
  const std::string counter = tmp / "calls.txt";
  const std::string release = tmp / "release";
  {
    std::ofstream(tmp / "def.json") << R"({"StartAt": "Before", "States": {
      "Before": {"Type": "Task", "Resource": "lifeboat:test.count", "ResultPath": null, "Next": "Nap"},
      "Nap": {"Type": "Wait", "Seconds": 2, "Next": "Middle"},
      "Middle": {"Type": "Task", "Resource": "lifeboat:test.count", "ResultPath": null, "Next": "Slow"},
      "Slow": {"Type": "Task", "Resource": "lifeboat:test.block", "ResultPath": null, "Next": "After"},
      "After": {"Type": "Task", "Resource": "lifeboat:test.count", "ResultPath": null, "End": true}}})";
  }
  Json input = {{"counterFile", counter}, {"releaseFile", release}, {"timeoutSeconds", 60}};
  // The workflow runs lifeboat:test.* tasks: lifeboat_testbin has them.

  // 1. Run it in the foreground of a process we kill while it sits in the Wait.
  {
    ChildProcess run({lifeboat_testbin(), "--data-dir", data, "executions", "start", "--definition",
                      tmp / "def.json", "--input", input.dump(), "--name", "crashy", "--wait"});
    ASSERT_TRUE(eventually([&] { return invocations(counter)["Before"] == 1; },
                           std::chrono::seconds(30), std::chrono::milliseconds(20)));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // into the 2 s Wait
    ASSERT_EQ(run.kill_hard(), 128 + SIGKILL) << "it ended before it was killed";
  }
  auto list = run_lifeboat_testbin({"--data-dir", data, "--output", "json", "executions", "list"});
  Json executions = Json::parse(list.out);
  ASSERT_EQ(executions.size(), 1u) << list.out;
  const std::string id = executions[0]["id"];
  EXPECT_EQ(executions[0]["status"], "RUNNING");
  EXPECT_EQ(invocations(counter)["Middle"], 0);

  // 2. Restart; kill it again while the blocking task runs.
  {
    ChildProcess resume({lifeboat_testbin(), "--data-dir", data, "executions", "resume"});
    ASSERT_TRUE(eventually([&] { return invocations(counter)["Slow"] == 1; },
                           std::chrono::seconds(30), std::chrono::milliseconds(20)));
    resume.kill_hard();
  }
  EXPECT_EQ(invocations(counter)["Middle"], 1);

  // 3. Let the task finish this time and restart again: it completes.
  std::ofstream(release) << "go";
  auto done =
      run_lifeboat_testbin({"--data-dir", data, "--output", "json", "executions", "resume", id});
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  EXPECT_EQ(Json::parse(done.out)["status"], "SUCCEEDED");

  auto calls = invocations(counter);
  EXPECT_EQ(calls["Before"], 1);
  EXPECT_EQ(calls["Middle"], 1);
  EXPECT_EQ(calls["Slow"], 2);  // the interrupted task, and only it, ran again
  EXPECT_EQ(calls["After"], 1);

  auto shown =
      run_lifeboat_testbin({"--data-dir", data, "--output", "json", "executions", "show", id});
  Json show = Json::parse(shown.out);
  EXPECT_EQ(show["path"], Json::parse(R"(["Before", "Nap", "Middle", "Slow", "After"])"));
  int slow_started = 0;
  std::string wait_entered, wait_exited;
  for (const auto& e : show["history"]) {
    if (e["type"] == "TaskStarted" && e["details"]["resource"] == "lifeboat:test.block")
      ++slow_started;
    if (e["type"] == "WaitStateEntered") wait_entered = e["timestamp"];
    if (e["type"] == "WaitStateExited") wait_exited = e["timestamp"];
  }
  EXPECT_EQ(slow_started, 2);
  // The Wait kept its deadline across the crash: it lasted its full 2 s, no less.
  auto entered = core::parse_rfc3339(wait_entered);
  auto exited = core::parse_rfc3339(wait_exited);
  ASSERT_TRUE(entered.is_ok() && exited.is_ok());
  EXPECT_GE(*exited - *entered, std::chrono::seconds(2));
}

}  // namespace
}  // namespace lifeboat::testing

// Whole-binary tests of `lifeboat workflow validate`, `executions …` and `dlq …`, including
// the shipped recovery workflow end to end.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace lifeboat::testing {
namespace {

using Json = nlohmann::json;

const std::string kRecovery = std::string(LIFEBOAT_SOURCE_DIR) + "/workflows/recovery.asl.json";

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class WorkflowCli : public ::testing::Test {
 protected:
  ProcessResult lb(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", tmp_ / "data", "--output", "json"});
    return run_lifeboat_testbin(args, input);  // workflows here use lifeboat:test.*
  }
  Json lb_json(std::vector<std::string> args, int expected_exit = 0) {
    auto r = lb(std::move(args));
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    Json j = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  TempDir tmp_;
};

TEST_F(WorkflowCli, ValidateAcceptsTheRecoveryWorkflow) {
  auto r = run_lifeboat({"workflow", "validate", kRecovery});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(WorkflowCli, ValidatePrintsOneLinePerProblemAndExits2) {
  write_file(tmp_ / "bad.json", R"({"StartAt": "A", "States": {
      "A": {"Type": "Task", "Resource": "arn:aws:lambda:x", "Next": "Gone"},
      "B": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": true}}})");
  auto r = run_lifeboat({"--output", "table", "workflow", "validate", tmp_ / "bad.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("state 'A': field 'Next': unknown state 'Gone'\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("state 'A': field 'Resource': unknown resource 'arn:aws:lambda:x'"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("state 'B': unreachable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("state 'B': exactly one of 'Seconds'"), std::string::npos) << r.out;
  // --syntax-only lints an AWS definition without knowing its resources.
  write_file(tmp_ / "aws.json", R"({"StartAt": "A", "States": {
      "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}})");
  EXPECT_EQ(run_lifeboat({"workflow", "validate", tmp_ / "aws.json"}).exit_code, 2);
  EXPECT_EQ(run_lifeboat({"workflow", "validate", "--syntax-only", tmp_ / "aws.json"}).exit_code,
            0);
  EXPECT_EQ(run_lifeboat({"workflow", "validate", tmp_ / "missing.json"}).exit_code, 2);
}

TEST_F(WorkflowCli, StartWaitPrintsTheFinishedExecutionAndShowGivesPathAndHistory) {
  write_file(tmp_ / "def.json", R"({"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "T"}],
            "Default": "F"},
      "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "ResultPath": "$.echo", "End": true},
      "F": {"Type": "Fail", "Error": "Too.Small"}}})");
  Json done = lb_json({"executions", "start", "--definition", tmp_ / "def.json", "--input",
                       R"({"n": 2})", "--name", "first", "--wait"});
  EXPECT_EQ(done["status"], "SUCCEEDED");
  EXPECT_EQ(done["name"], "first");
  EXPECT_EQ(done["output"], Json::parse(R"({"n": 2, "echo": {"n": 2}})"));
  Json shown = lb_json({"executions", "show", done["id"]});
  EXPECT_EQ(shown["path"], Json::parse(R"(["C", "T"])"));
  // The definition it ran, whole: what the dashboard draws the state graph from.
  EXPECT_EQ(shown["definition"], Json::parse(std::ifstream(tmp_ / "def.json")));
  EXPECT_EQ(shown["childExecutions"], Json::array());
  std::vector<std::string> types;
  for (const auto& e : shown["history"]) types.push_back(e["type"]);
  EXPECT_EQ(types.front(), "ExecutionStarted");
  EXPECT_EQ(types.back(), "ExecutionSucceeded");
  EXPECT_NE(std::find(types.begin(), types.end(), "TaskSucceeded"), types.end());

  Json failed = lb_json({"executions", "start", "--definition", tmp_ / "def.json", "--input",
                         R"({"n": 0})", "--wait"},
                        1);
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_EQ(failed["error"], "Too.Small");
  Json list = lb_json({"executions", "list"});
  EXPECT_EQ(list.size(), 2u);
  EXPECT_EQ(lb({"executions", "show", "no-such-id"}).exit_code, 3);
}

TEST_F(WorkflowCli, StopAbortsAnExecutionAndResumeRunsTheRest) {
  write_file(tmp_ / "wait.json", R"({"StartAt": "W", "States": {
      "W": {"Type": "Wait", "Seconds": 1000, "End": true}}})");
  write_file(tmp_ / "quick.json",
             R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})");
  Json waiting = lb_json({"executions", "start", "--definition", tmp_ / "wait.json"});
  EXPECT_EQ(waiting["status"], "RUNNING");
  Json stopped = lb_json({"executions", "stop", waiting["id"]});
  EXPECT_EQ(stopped["status"], "ABORTED");
  EXPECT_EQ(lb({"executions", "stop", waiting["id"]}).exit_code, 2);
  Json quick = lb_json({"executions", "start", "--definition", tmp_ / "quick.json"});
  EXPECT_EQ(quick["status"], "RUNNING");  // recorded, not run: the daemon or resume runs it
  Json resumed = lb_json({"executions", "resume"});
  EXPECT_EQ(resumed["unfinished"], 0);
  EXPECT_EQ(lb_json({"executions", "show", quick["id"]})["status"], "SUCCEEDED");
}

TEST_F(WorkflowCli, RecoveryWorkflowReplicatesAndRecordsOrDeadLetters) {
  std::filesystem::create_directories(tmp_ / "vol/old/sub");
  std::filesystem::create_directories(tmp_ / "vol/new");
  write_file(tmp_ / "vol/old/a.txt", "alpha");
  write_file(tmp_ / "vol/old/sub/b.txt", "beta");
  ASSERT_EQ(lb({"volumes", "add", "home", tmp_ / "vol"}).exit_code, 0);
  auto put = lb({"events", "put", "-"},
                R"({"specversion": "1.0", "id": "evt-1", "source": "platform.local",
                    "time": "2026-11-29T10:00:00Z", "type": "CreateUserProfile",
                    "data": {"domainId": "d-demo", "domainName": "demo", "userProfileName": "alice",
                             "homeEfsFileSystemId": "home", "homeEfsFileSystemUid": "new"}})");
  ASSERT_EQ(put.exit_code, 0) << put.out << put.err;
  Json input = {{"domainName", "demo"},
                {"profileName", "alice"},
                {"source", tmp_ / "vol/old"},
                {"target", tmp_ / "vol/new"}};
  Json done = lb_json(
      {"executions", "start", "--definition", kRecovery, "--input", input.dump(), "--wait"});
  EXPECT_EQ(done["status"], "SUCCEEDED") << done.dump();
  EXPECT_EQ(done["output"]["report"]["files_transferred"], 2);
  std::ifstream copied(tmp_ / "vol/new/sub/b.txt");
  std::string text;
  std::getline(copied, text);
  EXPECT_EQ(text, "beta");
  Json profile = lb_json({"profiles", "show", "--domain-name", "demo", "--profile-name", "alice"});
  EXPECT_EQ(profile["replication_status"], "SUCCESS");
  EXPECT_EQ(profile["execution_id"], done["id"]);

  // An unknown profile: the error is caught, dead-lettered with the input, and it fails.
  Json bad_input = input;
  bad_input["profileName"] = "nobody";
  Json failed = lb_json(
      {"executions", "start", "--definition", kRecovery, "--input", bad_input.dump(), "--wait"}, 1);
  EXPECT_EQ(failed["status"], "FAILED");
  EXPECT_EQ(failed["error"], "Lifeboat.ProfileNotFound");
  Json letters = lb_json({"dlq", "list"});
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0]["executionId"], failed["id"]);
  EXPECT_EQ(letters[0]["payload"], bad_input);
  EXPECT_EQ(letters[0]["error"], "Lifeboat.ProfileNotFound");

  // Redrive replays the same input (still failing: the profile is still unknown).
  Json redriven = lb_json({"dlq", "redrive", letters[0]["id"], "--wait"}, 1);
  EXPECT_EQ(redriven["input"], bad_input);
  Json after = lb_json({"dlq", "list"});
  EXPECT_EQ(after.size(), 2u);  // the redriven run failed too, and was dead-lettered itself
  EXPECT_EQ(lb({"dlq", "redrive", letters[0]["id"]}).exit_code, 2);  // only once
}

}  // namespace
}  // namespace lifeboat::testing

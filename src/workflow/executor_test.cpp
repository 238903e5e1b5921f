#include "workflow/executor.h"

#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "store/open_store.h"
#include "store/sql_execution_store.h"
#include "testing/temp_dir.h"
#include "testing/test_resources.h"

namespace lifeboat::workflow {
namespace {

using core::Json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::open_store(store::sqlite_url_for_data_dir(dir_));
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    exec_store_ = std::make_unique<store::SqlExecutionStore>(*store_);
    register_test_resources(registry_);
    registry_.add("lifeboat:test.calls", make_task_resource([this](const Json& in, TaskContext&) {
                    ++calls_;
                    return core::Result<Json>(in);
                  }));
    registry_.add("lifeboat:test.slow", make_task_resource([this](const Json& in, TaskContext&) {
                    clock_.advance(seconds(in.value("seconds", 10)));
                    return core::Result<Json>(in);
                  }));
    executor_ = make_executor();
  }
  void TearDown() override {
    executor_.reset();
    exec_store_.reset();
    store_.reset();
  }

  std::unique_ptr<Executor> make_executor(std::uint64_t seed = 42) {
    return std::make_unique<Executor>(*exec_store_, registry_, clock_, ExecutorOptions{seed});
  }

  std::string start(const std::string& def, const Json& input) {
    auto id = executor_->start(Json::parse(def), input);
    EXPECT_TRUE(id.is_ok()) << id.status().to_string();
    return id.is_ok() ? *id : "";
  }

  store::ExecutionRecord record(const std::string& id) {
    auto r = exec_store_->get_execution(id);
    EXPECT_TRUE(r.is_ok() && r->has_value());
    return r->value();
  }

  // Runs everything, advancing the fake clock to each timer: the finished record.
  store::ExecutionRecord run(const std::string& def, const Json& input) {
    std::string id = start(def, input);
    auto r =
        executor_->run_until_finished(id, [this](core::Clock::WallTime t) { clock_.set_now(t); });
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return record(id);
  }

  Json output(const store::ExecutionRecord& r) {
    EXPECT_EQ(r.status, store::ExecutionStatus::kSucceeded)
        << r.error.value_or("") << ": " << r.cause.value_or("");
    return r.output ? Json::parse(*r.output) : Json();
  }

  std::vector<std::string> event_types(const std::string& id) {
    std::vector<std::string> out;
    auto events = exec_store_->list_events(id);
    EXPECT_TRUE(events.is_ok());
    if (events.is_ok())
      for (const auto& e : *events) out.push_back(e.type);
    return out;
  }

  milliseconds until_next_wake() {
    auto t = executor_->next_wake_time();
    EXPECT_TRUE(t.has_value());
    return t ? std::chrono::duration_cast<milliseconds>(*t - clock_.now()) : milliseconds(-1);
  }

  lifeboat::testing::TempDir tmp_{"lifeboat-exec"};
  std::string dir_ = tmp_.path();
  core::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::SqlExecutionStore> exec_store_;
  TaskResourceRegistry registry_;
  std::unique_ptr<Executor> executor_;
  int calls_ = 0;
};

TEST_F(ExecutorTest, PassWithResultResultPathAndOutputPath) {
  auto r = run(R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"x": 1},
      "ResultPath": "$.res", "OutputPath": "$.res", "End": true}}})",
               Json::parse(R"({"keep": true})"));
  EXPECT_EQ(output(r), Json::parse(R"({"x": 1})"));
}

TEST_F(ExecutorTest, TaskInputAndOutputProcessing) {
  // The spec's example: InputPath, Parameters (path, context, intrinsic), ResultSelector,
  // ResultPath merging into the raw input, OutputPath.
  auto r =
      run(R"J({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "lifeboat:test.echo",
      "InputPath": "$.lib", "Parameters": {"static": "s", "author.$": "$.author",
        "exec.$": "$$.Execution.Name", "msg.$": "States.Format('by {}', $.author)"},
      "ResultSelector": {"who.$": "$.author", "msg.$": "$.msg", "static.$": "$.static"},
      "ResultPath": "$.lib.result", "OutputPath": "$.lib", "End": true}}})J",
          Json::parse(R"({"lib": {"author": "Ada"}, "other": 1})"));
  EXPECT_EQ(output(r), Json::parse(R"({"author": "Ada",
      "result": {"who": "Ada", "msg": "by Ada", "static": "s"}})"));
}

TEST_F(ExecutorTest, ResultPathNullKeepsInputAndInputPathNullGivesEmptyObject) {
  auto r =
      run(R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "lifeboat:test.echo",
      "InputPath": null, "Parameters": {"x": 1}, "ResultPath": null, "Next": "P"},
      "P": {"Type": "Pass", "InputPath": null, "End": true}}})",
          Json::parse(R"({"a": 1})"));
  EXPECT_EQ(output(r), Json::object());
}

TEST_F(ExecutorTest, PredefinedErrors) {
  auto fails_with = [&](const std::string& def, const std::string& error) {
    auto r = run(def, Json::parse(R"({"s": "text", "n": 1})"));
    EXPECT_EQ(r.status, store::ExecutionStatus::kFailed) << def;
    EXPECT_EQ(r.error.value_or(""), error) << r.cause.value_or("");
  };
  fails_with(R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "lifeboat:test.echo",
      "ResultPath": "$.s.inner", "End": true}}})",
             "States.ResultPathMatchFailure");
  fails_with(R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "lifeboat:test.echo",
      "Parameters": {"x.$": "$.missing"}, "End": true}}})",
             "States.ParameterPathFailure");
  fails_with(R"J({"StartAt": "T", "States": {"T": {"Type": "Pass",
      "Parameters": {"x.$": "States.ArrayLength($.s)"}, "End": true}}})J",
             "States.IntrinsicFailure");
  fails_with(R"({"StartAt": "T", "States": {"T": {"Type": "Pass", "InputPath": "$.missing",
      "End": true}}})",
             "States.Runtime");
  fails_with(R"({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
      {"Variable": "$.n", "NumericEquals": 2, "Next": "X"}]}, "X": {"Type": "Succeed"}}})",
             "States.NoChoiceMatched");
  fails_with(R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "lifeboat:test.slow",
      "Parameters": {"seconds": 5}, "TimeoutSeconds": 2, "End": true}}})",
             "States.Timeout");
}

TEST_F(ExecutorTest, ChoiceRoutesAndDefault) {
  const std::string def = R"({"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [
        {"And": [{"Variable": "$.n", "NumericGreaterThan": 10}, {"Variable": "$.s", "IsString": true}],
         "Next": "Big"},
        {"Variable": "$.n", "NumericLessThanEquals": 10, "Next": "Small"}], "Default": "Other"},
      "Big": {"Type": "Pass", "Result": "big", "End": true},
      "Small": {"Type": "Pass", "Result": "small", "End": true},
      "Other": {"Type": "Pass", "Result": "other", "End": true}}})";
  EXPECT_EQ(output(run(def, Json::parse(R"({"n": 11, "s": "x"})"))), "big");
  EXPECT_EQ(output(run(def, Json::parse(R"({"n": 3})"))), "small");
  EXPECT_EQ(output(run(def, Json::parse(R"({"n": 11, "s": 5})"))), "other");
}

TEST_F(ExecutorTest, FailStateWithStaticAndDynamicErrorAndCause) {
  auto r = run(R"({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Lifeboat.Nope",
      "CausePath": "$.why"}}})",
               Json::parse(R"({"why": "because"})"));
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(*r.error, "Lifeboat.Nope");
  EXPECT_EQ(*r.cause, "because");
  auto types = event_types(r.id);
  EXPECT_EQ(types.back(), "ExecutionFailed");
}

TEST_F(ExecutorTest, WaitSecondsHoldsNoThreadAndWakesOnTime) {
  std::string id = start(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10,
      "Next": "T"}, "T": {"Type": "Task", "Resource": "lifeboat:test.calls", "End": true}}})",
                         Json::object());
  executor_->run_ready();
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kRunning);
  EXPECT_EQ(until_next_wake(), seconds(10));
  clock_.advance(seconds(9));
  executor_->run_ready();
  EXPECT_EQ(calls_, 0);
  clock_.advance(seconds(1));
  executor_->run_ready();
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);
  auto types = event_types(id);
  std::vector<std::string> expected = {
      "ExecutionStarted", "WaitStateEntered", "WaitStateExited",
      "TaskStateEntered", "TaskScheduled",    "TaskStarted",
      "TaskSucceeded",    "TaskStateExited",  "ExecutionSucceeded"};
  EXPECT_EQ(types, expected);
}

TEST_F(ExecutorTest, WaitSecondsPathTimestampAndTimestampPath) {
  std::string id = start(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s",
      "End": true}}})",
                         Json::parse(R"({"s": 30})"));
  executor_->run_ready();
  EXPECT_EQ(until_next_wake(), seconds(30));
  clock_.advance(seconds(30));
  executor_->run_ready();
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);

  std::string at = core::format_rfc3339(clock_.now() + seconds(90));
  id = start(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.at",
      "End": true}}})",
             Json{{"at", at}});
  executor_->run_ready();
  EXPECT_EQ(until_next_wake(), seconds(90));
  clock_.advance(seconds(90));
  executor_->run_ready();
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);

  auto r =
      run(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", "Timestamp": "2020-01-01T00:00:00Z",
      "End": true}}})",
          Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kSucceeded);  // a timestamp in the past does not wait
}

TEST_F(ExecutorTest, WaitResumesWithTheTimeItHadLeftAfterRestart) {
  std::string id = start(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100,
      "Next": "T"}, "T": {"Type": "Task", "Resource": "lifeboat:test.calls", "End": true}}})",
                         Json::object());
  executor_->run_ready();
  clock_.advance(seconds(40));
  executor_ = make_executor();  // the process "restarts": only the store remains
  ASSERT_TRUE(executor_->recover().is_ok());
  executor_->run_ready();
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(until_next_wake(), seconds(60));
  clock_.advance(seconds(60));
  executor_->run_ready();
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);
}

TEST_F(ExecutorTest, RetryIntervalsBackoffAndMaxDelayCap) {
  std::string id = start(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
      "Resource": "lifeboat:test.flaky", "Parameters": {"failTimes": 4},
      "Retry": [{"ErrorEquals": ["Lifeboat.Transient"], "IntervalSeconds": 2, "BackoffRate": 3,
                 "MaxDelaySeconds": 10, "MaxAttempts": 5}], "End": true}}})",
                         Json::object());
  executor_->run_ready();
  for (auto expected : {seconds(2), seconds(6), seconds(10), seconds(10)}) {
    ASSERT_EQ(until_next_wake(), expected);
    clock_.advance(expected - milliseconds(1));
    executor_->run_ready();
    EXPECT_EQ(record(id).status, store::ExecutionStatus::kRunning);
    clock_.advance(milliseconds(1));
    executor_->run_ready();
  }
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);
}

TEST_F(ExecutorTest, FullJitterStaysWithinBounds) {
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i)
    ids.push_back(start(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
      "Resource": "lifeboat:test.flaky", "Parameters": {"failTimes": 1},
      "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 8, "JitterStrategy": "FULL"}],
      "End": true}}})",
                        Json::object()));
  executor_->run_ready();
  std::set<core::Clock::WallTime> distinct;
  for (const auto& id : ids) {
    auto r = record(id);
    ASSERT_TRUE(r.wake_at.has_value());
    auto delay = *r.wake_at - clock_.now();
    EXPECT_GE(delay, milliseconds(0));
    EXPECT_LE(delay, seconds(8));
    distinct.insert(*r.wake_at);
  }
  EXPECT_GT(distinct.size(), 5u);  // it is jittered, not a constant
  clock_.advance(seconds(8));
  executor_->run_ready();
  for (const auto& id : ids) EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);
}

TEST_F(ExecutorTest, RetriesExhaustedThenCatchRoutesWithResultPath) {
  auto r = run(R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "lifeboat:test.fail",
            "Parameters": {"error": "Lifeboat.Bad", "cause": "it broke"},
            "Retry": [{"ErrorEquals": ["Lifeboat.Bad"], "MaxAttempts": 2, "IntervalSeconds": 1}],
            "Catch": [{"ErrorEquals": ["Lifeboat.Other"], "Next": "Wrong"},
                      {"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.err", "Next": "Handled"}],
            "End": true},
      "Wrong": {"Type": "Fail", "Error": "Wrong"},
      "Handled": {"Type": "Pass", "End": true}}})",
               Json::parse(R"({"keep": 1})"));
  EXPECT_EQ(output(r), Json::parse(R"({"keep": 1, "err": {"Error": "Lifeboat.Bad",
      "Cause": "it broke"}})"));
  int task_failures = 0;
  for (const auto& t : event_types(r.id)) task_failures += t == "TaskFailed" ? 1 : 0;
  EXPECT_EQ(task_failures, 3);  // first try + MaxAttempts retries
}

TEST_F(ExecutorTest, StatesAllDoesNotCatchRuntimeErrors) {
  auto r = run(R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "OutputPath": "$.missing",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "End": true},
      "H": {"Type": "Succeed"}}})",
               Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(*r.error, "States.Runtime");
}

TEST_F(ExecutorTest, ParallelRunsBranchesAsDurableChildren) {
  auto r = run(R"({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": true}}},
      {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Next": "B"},
                                  "B": {"Type": "Pass", "Parameters": {"v.$": "$.v"}, "End": true}}}],
      "ResultPath": "$.branches", "End": true}}})",
               Json::parse(R"({"v": 7})"));
  EXPECT_EQ(output(r), Json::parse(R"({"v": 7, "branches": ["a", {"v": 7}]})"));
  store::ExecutionFilter f;
  f.parent_id = r.id;
  EXPECT_EQ(exec_store_->list_executions(f)->size(), 2u);
}

TEST_F(ExecutorTest, ParallelBranchFailureIsCaught) {
  auto r = run(R"({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Fail", "Error": "Branch.Boom", "Cause": "c"}}},
      {"StartAt": "B", "States": {"B": {"Type": "Wait", "Seconds": 100, "End": true}}}],
      "Catch": [{"ErrorEquals": ["Branch.Boom"], "Next": "H"}], "End": true},
      "H": {"Type": "Pass", "End": true}}})",
               Json::object());
  EXPECT_EQ(output(r), Json::parse(R"({"Error": "Branch.Boom", "Cause": "c"})"));
  store::ExecutionFilter f;
  f.parent_id = r.id;
  auto children = exec_store_->list_executions(f).value();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[1].status, store::ExecutionStatus::kAborted);
}

TEST_F(ExecutorTest, MapWithItemsPathItemSelectorAndMaxConcurrency) {
  std::string id = start(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
      "MaxConcurrency": 2,
      "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"},
      "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 1, "Next": "T"},
        "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "End": true}}},
      "ResultPath": "$.out", "OutputPath": "$.out", "End": true}}})",
                         Json::parse(R"({"items": ["a", "b", "c"], "k": 0})"));
  executor_->run_ready();
  store::ExecutionFilter f;
  f.parent_id = id;
  EXPECT_EQ(exec_store_->list_executions(f)->size(), 2u);  // MaxConcurrency
  auto r =
      executor_->run_until_finished(id, [this](core::Clock::WallTime t) { clock_.set_now(t); });
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(output(*r), Json::parse(R"([{"i": 0, "v": "a", "k": 0}, {"i": 1, "v": "b", "k": 0},
                                        {"i": 2, "v": "c", "k": 0}])"));
}

TEST_F(ExecutorTest, MapIterationFailureFailsTheMap) {
  auto r = run(R"({"StartAt": "M", "States": {"M": {"Type": "Map",
      "Iterator": {"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}],
              "Default": "S"},
        "F": {"Type": "Fail", "Error": "Item.Bad"}, "S": {"Type": "Succeed"}}},
      "End": true}}})",
               Json::parse("[1, 2, 3]"));
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(*r.error, "Item.Bad");
}

TEST_F(ExecutorTest, EmptyMapSucceedsWithEmptyArray) {
  auto r = run(R"({"StartAt": "M", "States": {"M": {"Type": "Map",
      "Iterator": {"StartAt": "S", "States": {"S": {"Type": "Succeed"}}}, "End": true}}})",
               Json::array());
  EXPECT_EQ(output(r), Json::array());
}

TEST_F(ExecutorTest, StopAbortsAWaitingExecution) {
  std::string id = start(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10,
      "Next": "T"}, "T": {"Type": "Task", "Resource": "lifeboat:test.calls", "End": true}}})",
                         Json::object());
  executor_->run_ready();
  ASSERT_TRUE(executor_->stop(id).is_ok());
  clock_.advance(seconds(10));
  executor_->run_ready();
  EXPECT_EQ(calls_, 0);
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kAborted);
  EXPECT_EQ(event_types(id).back(), "ExecutionAborted");
  EXPECT_EQ(executor_->stop(id).code(), core::StatusCode::kFailedPrecondition);
}

TEST_F(ExecutorTest, MachineTimeoutFailsALongWait) {
  auto r = run(R"({"StartAt": "W", "TimeoutSeconds": 5, "States": {"W": {"Type": "Wait",
      "Seconds": 100, "End": true}}})",
               Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(*r.error, "States.Timeout");
  EXPECT_EQ(event_types(r.id).back(), "ExecutionTimedOut");
}

TEST_F(ExecutorTest, StartRefusesInvalidDefinitions) {
  auto id = executor_->start(Json::parse(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
      "Resource": "lifeboat:unknown", "End": true}}})"),
                             Json::object());
  ASSERT_FALSE(id.is_ok());
  EXPECT_NE(id.status().message().find("unknown resource"), std::string::npos);
}

TEST_F(ExecutorTest, StartWithADerivedIdIsIdempotent) {
  const Json def =
      Json::parse(R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})");
  auto first = executor_->start(def, Json{{"a", 1}}, "", "recovery-7", false);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(*first, "recovery-7");
  auto again = executor_->start(def, Json{{"a", 1}}, "", "recovery-7");
  EXPECT_EQ(again.status().code(), core::StatusCode::kAlreadyExists);
  // queue_here=false: recorded but not run here; another executor resumes it.
  EXPECT_EQ(executor_->run_ready(), 0u);
  auto other = make_executor();
  ASSERT_TRUE(other->resume("recovery-7").is_ok());
  other->run_ready();
  EXPECT_EQ(record("recovery-7").status, store::ExecutionStatus::kSucceeded);
}

TEST_F(ExecutorTest, InterruptDropsTheRunningTaskStepAndItRunsAgainOnResume) {
  Executor* current = nullptr;
  int runs = 0;
  registry_.add("lifeboat:test.interrupting", make_task_resource([&](const Json& in, TaskContext&) {
                  ++runs;
                  if (runs == 1) current->interrupt();  // shutdown arrives mid-task
                  return core::Result<Json>(in);
                }));
  const std::string def = R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "lifeboat:test.interrupting", "Next": "Done"},
      "Done": {"Type": "Succeed"}}})";
  current = executor_.get();
  std::string id = start(def, Json{{"x", 1}});
  executor_->run_ready();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kRunning);
  auto types = event_types(id);
  EXPECT_EQ(types.back(), "TaskStarted");  // nothing after the interrupted task was recorded
  EXPECT_EQ(executor_->run_ready(), 0u);   // an interrupted executor takes no more steps
  // A restart: a new executor resumes and the task runs again, once.
  auto restarted = make_executor();
  current = restarted.get();
  ASSERT_TRUE(restarted->recover().is_ok());
  restarted->run_ready();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);
}

TEST_F(ExecutorTest, ParallelIsRetriedWithFreshBranches) {
  auto r = run(R"({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
      {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "lifeboat:test.calls",
                                        "Next": "F"},
                                  "F": {"Type": "Fail", "Error": "Branch.Flaky"}}}],
      "Retry": [{"ErrorEquals": ["Branch.Flaky"], "MaxAttempts": 2, "IntervalSeconds": 1}],
      "End": true}}})",
               Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(*r.error, "Branch.Flaky");
  EXPECT_EQ(calls_, 3);  // the first run and two retries, each a new child execution
  store::ExecutionFilter f;
  f.parent_id = r.id;
  EXPECT_EQ(exec_store_->list_executions(f)->size(), 3u);
}

TEST_F(ExecutorTest, StopAbortsChildrenToo) {
  std::string id = start(R"({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
      {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 50, "End": true}}}],
      "End": true}}})",
                         Json::object());
  executor_->run_ready();
  ASSERT_TRUE(executor_->stop(id).is_ok());
  store::ExecutionFilter f;
  f.parent_id = id;
  auto children = exec_store_->list_executions(f).value();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].status, store::ExecutionStatus::kAborted);
  clock_.advance(seconds(50));
  executor_->run_ready();
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kAborted);
}

// --- Limits (execution_limits.h) ---------------------------------------------------------

constexpr const char* kPassChoiceLoop = R"({"StartAt": "P", "States": {
    "P": {"Type": "Pass", "Next": "C"},
    "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "P"}],
          "Default": "P"}}})";

// A Pass -> Choice loop used to run forever. It fails at the transition cap, durably, with
// an error naming the cap and the count. (The cap is lowered to 300 here: 10,000 steps
// cost a minute of fsyncs on a busy disk. The production values are checked below.)
TEST_F(ExecutorTest, PassChoiceLoopFailsAtTheTransitionCap) {
  EXPECT_EQ(ExecutorOptions{}.max_state_transitions, kMaxStateTransitions);
  EXPECT_EQ(ExecutorOptions{}.max_history_events, kMaxHistoryEvents);
  EXPECT_EQ(kMaxHistoryEvents, 25000);  // the AWS quota
  ExecutorOptions options{42};
  options.max_state_transitions = 300;
  executor_ = std::make_unique<Executor>(*exec_store_, registry_, clock_, options);
  auto r = run(kPassChoiceLoop, Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(r.error.value_or(""), "Lifeboat.TransitionLimitExceeded");
  EXPECT_NE(r.cause.value_or("").find("300 state transitions"), std::string::npos)
      << r.cause.value_or("");
  auto types = event_types(r.id);
  EXPECT_EQ(types.back(), "ExecutionFailed");
  EXPECT_GE(types.size(), 600u);  // two events per state: it really ran to the cap
  EXPECT_LE(types.size(), 605u);
}

// The history cap is hard: the execution fails with the last event that fits, and never
// writes more than the cap, even when one step would write many events (a wide Map).
TEST_F(ExecutorTest, HistoryCapFailsTheExecutionWithinTheCap) {
  ExecutorOptions options{42};
  options.max_history_events = 60;
  executor_ = std::make_unique<Executor>(*exec_store_, registry_, clock_, options);
  auto r = run(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
      "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
      "End": true}}})",
               Json{{"items", Json(std::vector<int>(100, 1))}});
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(r.error.value_or(""), "Lifeboat.HistoryLimitExceeded") << r.cause.value_or("");
  EXPECT_NE(r.cause.value_or("").find("60 events"), std::string::npos) << r.cause.value_or("");
  EXPECT_LE(event_types(r.id).size(), 60u);
  // A loop reaches the (catchable) history error before the hard cap.
  options.max_state_transitions = 1000000;
  executor_ = std::make_unique<Executor>(*exec_store_, registry_, clock_, options);
  r = run(kPassChoiceLoop, Json::object());
  EXPECT_EQ(r.error.value_or(""), "Lifeboat.HistoryLimitExceeded");
  EXPECT_LE(event_types(r.id).size(), 60u);
}

// A limit error can be caught once, so that a workflow records its failure the way it
// records any other (the recovery workflow sends it to the dead-letter table); a handler
// that loops again is stopped after a few more transitions, with no Catch.
TEST_F(ExecutorTest, LimitErrorIsCaughtOnceThenTheHandlerIsBounded) {
  ExecutorOptions options{42};
  options.max_state_transitions = 50;
  executor_ = std::make_unique<Executor>(*exec_store_, registry_, clock_, options);
  const std::string looping_task = R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "Next": "C",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "H"}]},
      "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true,
            "Next": "T"}], "Default": "T"},
      "H": {"Type": "Task", "Resource": "lifeboat:test.echo", "ResultPath": null,
            "Next": "Failed"},
      "Failed": {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}}})";
  auto r = run(looping_task, Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(r.error.value_or(""), "Lifeboat.TransitionLimitExceeded");
  auto types = event_types(r.id);
  EXPECT_NE(std::find(types.begin(), types.end(), "FailStateEntered"), types.end());

  const std::string looping_handler = R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "Next": "T",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "T"}]}}})";
  r = run(looping_handler, Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(r.error.value_or(""), "Lifeboat.TransitionLimitExceeded");
  EXPECT_NE(r.cause.value_or("").find("for the error handler"), std::string::npos);
}

// A Wait of 9.3e9 s used to overflow the clock and end at once. Through SecondsPath it now
// fails the execution with States.Runtime naming the field.
TEST_F(ExecutorTest, OutOfRangeWaitSecondsPathFailsCleanly) {
  const std::string def = R"({"StartAt": "W", "States": {"W": {"Type": "Wait",
      "SecondsPath": "$.s", "End": true}}})";
  for (const Json& bad :
       {Json(9.3e9), Json(-1), Json("10"), Json(31536001), Json::parse("18446744073709551615")}) {
    auto r = run(def, Json{{"s", bad}});
    EXPECT_EQ(r.status, store::ExecutionStatus::kFailed) << bad.dump();
    EXPECT_EQ(r.error.value_or(""), "States.Runtime") << bad.dump();
    EXPECT_NE(r.cause.value_or("").find("state 'W': field 'SecondsPath'"), std::string::npos)
        << r.cause.value_or("");
  }
  // The longest Wait there is still waits its whole length.
  std::string id = start(def, Json{{"s", kMaxWaitSeconds}});
  executor_->run_ready();
  EXPECT_EQ(until_next_wake(), seconds(kMaxWaitSeconds));
}

TEST_F(ExecutorTest, TimestampsFarInTheFutureOrPastFailCleanly) {
  const std::string def = R"({"StartAt": "W", "States": {"W": {"Type": "Wait",
      "TimestampPath": "$.at", "End": true}}})";
  const std::string two_years = core::format_rfc3339(clock_.now() + seconds(2 * 31536000LL));
  for (const std::string& at :
       std::vector<std::string>{"9999-12-31T23:59:59Z", "2300-01-01T00:00:00Z",
                                "0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z", two_years}) {
    auto r = run(def, Json{{"at", at}});
    EXPECT_EQ(r.status, store::ExecutionStatus::kFailed) << at;
    EXPECT_EQ(r.error.value_or(""), "States.Runtime") << at;
    EXPECT_NE(r.cause.value_or("").find("field 'TimestampPath'"), std::string::npos)
        << r.cause.value_or("");
  }
  // A static Timestamp the validator accepts may still be more than a year away when run.
  auto r = run(R"({"StartAt": "W", "States": {"W": {"Type": "Wait",
      "Timestamp": "2199-01-01T00:00:00Z", "End": true}}})",
               Json::object());
  EXPECT_EQ(r.error.value_or(""), "States.Runtime");
  EXPECT_NE(r.cause.value_or("").find("field 'Timestamp'"), std::string::npos);
  // A static Wait of 9.3e9 s is refused at start.
  auto id = executor_->start(Json::parse(R"({"StartAt": "W", "States": {"W": {"Type": "Wait",
      "Seconds": 9300000000, "End": true}}})"),
                             Json::object());
  ASSERT_FALSE(id.is_ok());
  EXPECT_NE(id.status().message().find("state 'W': field 'Seconds'"), std::string::npos)
      << id.status().message();
}

TEST_F(ExecutorTest, OutOfRangeTimeoutAndHeartbeatPathsFailCleanly) {
  for (const std::string& field :
       {std::string("TimeoutSecondsPath"), std::string("HeartbeatSecondsPath")}) {
    for (const Json& bad : {Json(1e12), Json(0), Json(-5), Json("60"), Json(1.5)}) {
      auto r = run(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
          "Resource": "lifeboat:test.calls", ")" +
                       field + R"(": "$.t", "End": true}}})",
                   Json{{"t", bad}});
      EXPECT_EQ(r.status, store::ExecutionStatus::kFailed) << field << " " << bad.dump();
      EXPECT_EQ(r.error.value_or(""), "States.Runtime");
      EXPECT_NE(r.cause.value_or("").find("field '" + field + "'"), std::string::npos)
          << r.cause.value_or("");
    }
  }
  EXPECT_EQ(calls_, 0);  // refused before the task ran
  auto r = run(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
      "Resource": "lifeboat:test.slow", "TimeoutSecondsPath": "$.t", "End": true}}})",
               Json{{"t", 5}, {"seconds", 10}});
  EXPECT_EQ(r.error.value_or(""), "States.Timeout");  // a good value still works
}

TEST_F(ExecutorTest, RetryDelayIsBoundedWhateverTheRetrierSays) {
  const Retrier extreme = Retrier::parse({{"ErrorEquals", {"States.ALL"}},
                                          {"IntervalSeconds", kMaxRetryIntervalSeconds},
                                          {"BackoffRate", kMaxBackoffRate},
                                          {"MaxAttempts", kMaxRetryAttempts}})
                              .value();
  EXPECT_EQ(retry_delay(extreme, 0), seconds(kMaxRetryDelaySeconds));
  EXPECT_EQ(retry_delay(extreme, 1000000), seconds(kMaxRetryDelaySeconds));
  const Retrier doubling =
      Retrier::parse(
          {{"ErrorEquals", {"States.ALL"}}, {"IntervalSeconds", 3}, {"BackoffRate", 2.0}})
          .value();
  EXPECT_EQ(retry_delay(doubling, 2), seconds(12));
  std::string id = start(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
      "Resource": "lifeboat:test.flaky", "Parameters": {"failTimes": 1},
      "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 99999999,
                 "BackoffRate": 1000, "MaxAttempts": 99999999}], "End": true}}})",
                         Json::object());
  executor_->run_ready();
  auto rec = record(id);
  ASSERT_TRUE(rec.wake_at.has_value());
  EXPECT_EQ(*rec.wake_at, clock_.now() + seconds(kMaxRetryDelaySeconds));
  // 366 days is longer than an execution may last: it times out at one year instead.
  EXPECT_EQ(until_next_wake(), seconds(kMaxExecutionSeconds));
}

// No execution outlives a year, even one made only of the longest Waits.
TEST_F(ExecutorTest, ExecutionsEndAfterAYear) {
  auto r = run(R"({"StartAt": "A", "States": {
      "A": {"Type": "Wait", "Seconds": 31536000, "Next": "B"},
      "B": {"Type": "Wait", "Seconds": 31536000, "End": true}}})",
               Json::object());
  EXPECT_EQ(r.status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(r.error.value_or(""), "States.Timeout");
}

TEST_F(ExecutorTest, InlineMapRunsAtMostFortyIterationsAtOnce) {
  std::string id = start(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
      "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5,
      "End": true}}}, "End": true}}})",
                         Json{{"items", Json(std::vector<int>(100, 1))}});
  executor_->run_ready();
  store::ExecutionFilter f;
  f.parent_id = id;
  f.limit = 1000;
  auto children = exec_store_->list_executions(f);
  ASSERT_TRUE(children.is_ok());
  EXPECT_EQ(children->size(), static_cast<std::size_t>(kMaxInlineMapConcurrency));
  auto r =
      executor_->run_until_finished(id, [this](core::Clock::WallTime t) { clock_.set_now(t); });
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->status, store::ExecutionStatus::kSucceeded);
}

// --- Cost of a Map in store work, and cursors stored by older binaries ------------------

// Forwards to another ExecutionStore and counts the calls and the rows read.
class CountingExecutionStore final : public store::ExecutionStore {
 public:
  explicit CountingExecutionStore(store::ExecutionStore& inner) : inner_(inner) {}

  core::Status write(const store::ExecutionWrite& w) override {
    ++calls;
    return inner_.write(w);
  }
  core::Result<std::optional<store::ExecutionRecord>> get_execution(
      const std::string& id) override {
    ++calls;
    auto r = inner_.get_execution(id);
    if (r.is_ok() && r->has_value()) ++rows_read;
    return r;
  }
  core::Result<std::vector<store::ExecutionRecord>> list_executions(
      const store::ExecutionFilter& filter) override {
    ++calls;
    auto r = inner_.list_executions(filter);
    if (r.is_ok()) rows_read += static_cast<std::int64_t>(r->size());
    return r;
  }
  core::Result<std::vector<store::ExecutionEvent>> list_events(const std::string& id) override {
    ++calls;
    return inner_.list_events(id);
  }
  core::Status add_dead_letter(const store::DeadLetter& letter) override {
    ++calls;
    return inner_.add_dead_letter(letter);
  }
  core::Result<std::vector<store::DeadLetter>> list_dead_letters() override {
    ++calls;
    return inner_.list_dead_letters();
  }
  core::Result<std::optional<store::DeadLetter>> get_dead_letter(const std::string& id) override {
    ++calls;
    return inner_.get_dead_letter(id);
  }
  core::Status mark_redriven(const std::string& id, const std::string& execution_id) override {
    ++calls;
    return inner_.mark_redriven(id, execution_id);
  }

  std::int64_t calls = 0;
  std::int64_t rows_read = 0;

 private:
  store::ExecutionStore& inner_;
};

struct StoreWork {
  std::int64_t calls = 0;
  std::int64_t rows_read = 0;
};

TEST_F(ExecutorTest, MapStoreWorkGrowsLinearlyWithItems) {
  // Every iteration is a child execution that finishes at once and wakes its parent: a
  // parent that read all its children at each wake-up would read about n²/2 rows.
  auto map_of = [this](int n) {
    CountingExecutionStore counting(*exec_store_);
    Executor executor(counting, registry_, clock_, ExecutorOptions{7});
    auto id = executor.start(Json::parse(R"({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true}}})"),
                             Json(std::vector<int>(static_cast<std::size_t>(n), 1)));
    EXPECT_TRUE(id.is_ok());
    auto r = executor.run_until_finished(*id);
    EXPECT_TRUE(r.is_ok());
    EXPECT_EQ(r->status, store::ExecutionStatus::kSucceeded);
    EXPECT_EQ(r->output, Json(std::vector<int>(static_cast<std::size_t>(n), 1)).dump());
    return StoreWork{counting.calls, counting.rows_read};
  };
  const StoreWork small = map_of(300);
  const StoreWork large = map_of(600);
  // Each child costs a few calls and reads (its own steps, one look by the parent at each
  // of the at most 40 running children); the outputs are read once.
  EXPECT_LE(large.calls, 600 * 8);
  EXPECT_LE(large.rows_read, 600 * 50);
  EXPECT_LE(large.calls, small.calls * 21 / 10);
  EXPECT_LE(large.rows_read, small.rows_read * 21 / 10);
}

// Replaces the stored cursor of execution `id` by `edit(cursor)`, as an older binary
// might have written it.
void rewrite_cursor(store::ExecutionStore& store, const std::string& id,
                    const std::function<void(Json&)>& edit) {
  auto rec = store.get_execution(id).value().value();
  Json cursor = Json::parse(rec.cursor);
  edit(cursor);
  rec.cursor = cursor.dump();
  store::ExecutionWrite w;
  w.updates.push_back(rec);
  ASSERT_TRUE(store.write(w).is_ok());
}

TEST_F(ExecutorTest, CursorsOfAnOlderBinaryResume) {
  // A Wait as the previous executor recorded it (no "transitions", no "attempt").
  std::string id = start(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10,
      "Next": "T"}, "T": {"Type": "Task", "Resource": "lifeboat:test.calls", "End": true}}})",
                         Json{{"x", 1}});
  executor_->run_ready();
  rewrite_cursor(*exec_store_, id, [](Json& c) {
    c = Json{{"state", "W"},
             {"input", c["input"]},
             {"phase", "wait"},
             {"exec", c["exec"]},
             {"history", c["history"]},
             {"effective", c["effective"]},
             {"entered", c["entered"]},
             {"retries", Json::object()}};
  });
  executor_ = make_executor();
  ASSERT_TRUE(executor_->recover().is_ok());
  clock_.advance(seconds(10));
  executor_->run_ready();
  EXPECT_EQ(record(id).status, store::ExecutionStatus::kSucceeded);
  EXPECT_EQ(output(record(id)), Json({{"x", 1}}));
  EXPECT_EQ(calls_, 1);

  // A Map waiting on its children, recorded before the running children's ids were kept.
  id = start(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2,
      "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5,
      "End": true}}}, "End": true}}})",
             Json(std::vector<int>{1, 2, 3}));
  executor_->run_ready();
  rewrite_cursor(*exec_store_, id, [](Json& c) { c.erase("running"); });
  executor_ = make_executor();
  ASSERT_TRUE(executor_->recover().is_ok());
  auto r =
      executor_->run_until_finished(id, [this](core::Clock::WallTime t) { clock_.set_now(t); });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(output(*r), Json(std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace lifeboat::workflow

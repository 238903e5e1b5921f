#include "workflow/state_machine_validator.h"

#include <gtest/gtest.h>

#include "testing/test_resources.h"
#include "workflow/state_machine.h"
#include "workflow/task_resource_registry.h"

namespace lifeboat::workflow {
namespace {

using core::Json;

std::vector<std::string> problems_of(const std::string& text, bool syntax_only = false) {
  TaskResourceRegistry registry;
  register_test_resources(registry);
  return StateMachine::validate(Json::parse(text), &registry, syntax_only);
}

bool has(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

std::string dump(const std::vector<std::string>& problems) {
  std::string s;
  for (const auto& p : problems) s += p + "\n";
  return s;
}

TEST(Validator, AcceptsAFullExample) {
  auto p = problems_of(R"J({
    "Comment": "every state type", "StartAt": "P", "TimeoutSeconds": 60,
    "States": {
      "P": {"Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "Next": "T"},
      "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "Parameters": {"a.$": "$.r.x",
            "f.$": "States.Format('{}', $.r.x)", "c.$": "$$.Execution.Id"},
            "ResultSelector": {"v.$": "$.a"}, "ResultPath": null, "TimeoutSeconds": 5,
            "Retry": [{"ErrorEquals": ["Lifeboat.Transient"], "IntervalSeconds": 1, "MaxAttempts": 2,
                       "BackoffRate": 2.0, "MaxDelaySeconds": 10, "JitterStrategy": "FULL"},
                      {"ErrorEquals": ["States.ALL"]}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "F"}],
            "Next": "C"},
      "C": {"Type": "Choice", "Choices": [{"Variable": "$.r.x", "NumericEquals": 1, "Next": "W"}],
            "Default": "F"},
      "W": {"Type": "Wait", "SecondsPath": "$.r.x", "Next": "Par"},
      "Par": {"Type": "Parallel", "Branches": [
          {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}], "Next": "M"},
      "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I",
                              "States": {"I": {"Type": "Pass", "End": true}}},
            "Next": "S"},
      "S": {"Type": "Succeed"},
      "F": {"Type": "Fail", "Error": "Boom", "CausePath": "$.error.Cause"}
    }})J");
  EXPECT_TRUE(p.empty()) << dump(p);
}

TEST(Validator, ReportsStructuralProblemsNamingStateAndField) {
  auto p = problems_of(R"({"StartAt": "A", "States": {
      "A": {"Type": "Pass", "Next": "Nowhere"},
      "B": {"Type": "Pass"},
      "C": {"Type": "Succeed", "Next": "A"},
      "D": {"Type": "Pass", "End": true, "Next": "A"},
      "E": {"Type": "Bogus"}
  }})");
  EXPECT_TRUE(has(p, "state 'A': field 'Next': unknown state 'Nowhere'")) << dump(p);
  EXPECT_TRUE(has(p, "state 'B': field 'End' or 'Next' is required")) << dump(p);
  EXPECT_TRUE(has(p, "state 'B': unreachable")) << dump(p);
  EXPECT_TRUE(has(p, "state 'C': field 'Next': not allowed in a Succeed state")) << dump(p);
  EXPECT_TRUE(has(p, "state 'D': fields 'Next' and 'End' must not both be present")) << dump(p);
  EXPECT_TRUE(has(p, "state 'E': field 'Type': unknown state type 'Bogus'")) << dump(p);
}

TEST(Validator, ChecksResourcesUnlessSyntaxOnly) {
  const std::string def = R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}})";
  EXPECT_TRUE(has(problems_of(def), "state 'T': field 'Resource': unknown resource"));
  EXPECT_TRUE(problems_of(def, true).empty());
}

TEST(Validator, ReportsBadPathsAndExclusiveFields) {
  auto p = problems_of(R"J({"StartAt": "W", "States": {
      "W": {"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "Next": "T"},
      "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "InputPath": "$..x",
            "ResultPath": "$.list[*]", "Parameters": {"a.$": "nope", "b.$": "States.Bogus()"},
            "TimeoutSeconds": 1, "TimeoutSecondsPath": "$.t", "HeartbeatSeconds": 5, "Next": "F"},
      "F": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}
  }})J");
  EXPECT_TRUE(has(p, "state 'W': exactly one of 'Seconds'")) << dump(p);
  EXPECT_TRUE(has(p, "state 'T': field 'InputPath': bad path")) << dump(p);
  EXPECT_TRUE(has(p, "state 'T': field 'ResultPath': must be a reference path")) << dump(p);
  EXPECT_TRUE(has(p, "state 'T': field 'Parameters'.a.$: bad path")) << dump(p);
  EXPECT_TRUE(has(p, "state 'T': field 'Parameters'.b.$")) << dump(p);
  EXPECT_TRUE(has(p, "state 'T': fields 'TimeoutSeconds' and 'TimeoutSecondsPath'")) << dump(p);
  EXPECT_TRUE(has(p, "state 'T': field 'HeartbeatSeconds': must be less than 'TimeoutSeconds'"))
      << dump(p);
  EXPECT_TRUE(has(p, "state 'F': fields 'Error' and 'ErrorPath'")) << dump(p);
}

TEST(Validator, ReportsBadRetryAndCatch) {
  auto p = problems_of(R"({"StartAt": "T", "States": {
      "T": {"Type": "Task", "Resource": "lifeboat:test.echo", "End": true,
            "Retry": [{"ErrorEquals": ["States.ALL", "X"]}, {"ErrorEquals": ["Y"],
                       "BackoffRate": 0.5, "MaxAttempts": -1, "JitterStrategy": "SOME",
                       "IntervalSeconds": 0, "MaxDelaySeconds": 0, "Extra": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "T"}, {"ErrorEquals": []}]}
  }})");
  EXPECT_TRUE(has(p, "field 'Retry[0]': field 'ErrorEquals': 'States.ALL' must appear alone"))
      << dump(p);
  EXPECT_TRUE(
      has(p, "field 'Retry[0]': field 'ErrorEquals': 'States.ALL' must be in the last entry"))
      << dump(p);
  EXPECT_TRUE(has(p, "'BackoffRate' must be a number >= 1.0")) << dump(p);
  EXPECT_TRUE(has(p, "'MaxAttempts' must be a non-negative integer")) << dump(p);
  EXPECT_TRUE(has(p, "'JitterStrategy' must be")) << dump(p);
  EXPECT_TRUE(has(p, "'IntervalSeconds' must be a positive integer")) << dump(p);
  EXPECT_TRUE(has(p, "'MaxDelaySeconds' must be a positive integer")) << dump(p);
  EXPECT_TRUE(has(p, "field 'Retry[1]': unknown field 'Extra'")) << dump(p);
  EXPECT_TRUE(
      has(p, "field 'Catch[0]': field 'ErrorEquals': 'States.ALL' must be in the last entry"))
      << dump(p);
  EXPECT_TRUE(has(p, "field 'Catch[1]': field 'ErrorEquals' must be a non-empty array")) << dump(p);
  EXPECT_TRUE(has(p, "field 'Catch[1]': field 'Next' is required")) << dump(p);
}

// Step Functions wants Credentials to name the role: {} and {"InvalidField": ...} are
// refused with "The field 'RoleArn' is required but was missing at /States/State0/Credentials"
// (recorded on AWS: localstack/localstack,
// tests/aws/services/stepfunctions/v2/credentials/test_credentials_base.snapshot.json,
// test_invalid_credentials_field); "RoleArn.$" may hold a path, a context path or an intrinsic
// (the templates of that test, tests/aws/services/stepfunctions/templates/credentials/). statelint
// (awslabs/statelint, data/StateMachine.j2119: "A Task State MAY have an object field named
// Credentials"; test/task-with-invalid-credentials.json) refuses a non-object.
TEST(Validator, TaskCredentialsMustNameTheRoleAsStepFunctionsDoes) {
  auto task_with = [](const std::string& credentials) {
    return problems_of(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "lifeboat:test.echo", "Credentials": )" +
                       credentials + R"(, "End": true}}})");
  };
  for (const char* ok : {R"J({"RoleArn": "arn:aws:iam::111122223333:role/LambdaRole"})J",
                         R"J({"RoleArn.$": "$.CredentialsRoleArn"})J",
                         R"J({"RoleArn.$": "$$.Execution.Input.CredentialsRoleArn"})J",
                         R"J({"RoleArn.$": "States.Format('{}', $.CredentialsRoleArn)"})J"}) {
    EXPECT_TRUE(task_with(ok).empty()) << ok << "\n" << dump(task_with(ok));
  }
  EXPECT_TRUE(has(task_with("{}"), "exactly one of 'RoleArn' and 'RoleArn.$' is required"));
  auto p = task_with(R"J({"InvalidField": "invalid"})J");
  EXPECT_TRUE(has(p, "state 'T': field 'Credentials': unknown field 'InvalidField'")) << dump(p);
  EXPECT_TRUE(has(p, "exactly one of 'RoleArn' and 'RoleArn.$' is required")) << dump(p);
  EXPECT_TRUE(has(task_with(R"J("foo:bar")J"), "field 'Credentials': must be an object"));
  EXPECT_TRUE(has(task_with(R"J({"RoleArn": "a", "RoleArn.$": "$.r"})J"), "exactly one of"));
  EXPECT_TRUE(has(task_with(R"J({"RoleArn": 7})J"), "'RoleArn' must be a non-empty string"));
  EXPECT_TRUE(has(task_with(R"J({"RoleArn": ""})J"), "'RoleArn' must be a non-empty string"));
  EXPECT_TRUE(
      has(task_with(R"J({"RoleArn.$": "not a path"})J"), "field 'Credentials'.RoleArn.$: "));
  EXPECT_TRUE(
      has(task_with(R"J({"RoleArn.$": "States.Nope(1)"})J"), "field 'Credentials'.RoleArn.$: "));
  EXPECT_TRUE(has(task_with(R"J({"roleArn": "fizz:buzz"})J"), "unknown field 'roleArn'"));
}

TEST(Validator, ValidatesNestedMachinesRecursively) {
  auto p = problems_of(R"({"StartAt": "P", "States": {
      "P": {"Type": "Parallel", "Next": "M", "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "Z"}}}]},
      "M": {"Type": "Map", "End": true, "Iterator": {"StartAt": "I", "States": {
        "I": {"Type": "Task", "Resource": "lifeboat:nope", "End": true}}}}
  }})");
  EXPECT_TRUE(has(p, "state 'P' branch 1 > state 'B': field 'Next': unknown state 'Z'")) << dump(p);
  EXPECT_TRUE(has(p, "state 'M' Iterator > state 'I': field 'Resource': unknown resource"))
      << dump(p);
}

TEST(Validator, ParseRefusesInvalidDefinitions) {
  auto sm = StateMachine::parse(Json::parse(R"({"StartAt": "X", "States": {}})"));
  ASSERT_FALSE(sm.is_ok());
  EXPECT_NE(sm.status().message().find("'States' is required"), std::string::npos);
}

// Durations, counts and timestamps out of range are refused naming the state and field,
// never accepted to overflow later.
TEST(Validator, RefusesOutOfRangeDurationsCountsAndTimestamps) {
  auto wait = [](const std::string& field) {
    return problems_of(R"({"StartAt": "W", "States": {"W": {"Type": "Wait", )" + field +
                       R"(, "End": true}}})");
  };
  auto p = wait(R"("Seconds": 9300000000)");
  EXPECT_TRUE(
      has(p, "state 'W': field 'Seconds': must be a non-negative integer no greater than 31536000"))
      << dump(p);
  EXPECT_TRUE(wait(R"("Seconds": 31536000)").empty());
  EXPECT_FALSE(wait(R"("Seconds": 31536001)").empty());
  EXPECT_FALSE(wait(R"("Seconds": 1e300)").empty());
  EXPECT_FALSE(wait(R"("Seconds": 18446744073709551615)").empty());
  p = wait(R"("Timestamp": "9999-12-31T23:59:59Z")");
  EXPECT_TRUE(has(p, "state 'W': field 'Timestamp'")) << dump(p);
  EXPECT_FALSE(wait(R"("Timestamp": "0001-01-01T00:00:00Z")").empty());
  EXPECT_TRUE(wait(R"("Timestamp": "2026-06-01T00:00:00Z")").empty());

  auto task = [](const std::string& fields) {
    return problems_of(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "lifeboat:test.echo", )" +
                       fields + R"(, "End": true}}})");
  };
  p = task(R"("TimeoutSeconds": 99999999999)");
  EXPECT_TRUE(has(p, "state 'T': field 'TimeoutSeconds'")) << dump(p);
  p = task(R"("HeartbeatSeconds": 99999999999)");
  EXPECT_TRUE(has(p, "state 'T': field 'HeartbeatSeconds'")) << dump(p);
  auto retry = [&](const std::string& fields) {
    return task(R"("Retry": [{"ErrorEquals": ["States.ALL"], )" + fields + "}]");
  };
  EXPECT_TRUE(retry(R"("IntervalSeconds": 5, "MaxAttempts": 4, "BackoffRate": 2.0,
                       "MaxDelaySeconds": 120, "JitterStrategy": "FULL")")
                  .empty());
  p = retry(R"("IntervalSeconds": 100000000)");
  EXPECT_TRUE(has(p, "state 'T': field 'Retry[0]': 'IntervalSeconds' must be")) << dump(p);
  p = retry(R"("MaxAttempts": 100000000)");
  EXPECT_TRUE(has(p, "field 'Retry[0]': 'MaxAttempts' must be")) << dump(p);
  p = retry(R"("MaxAttempts": -1)");
  EXPECT_TRUE(has(p, "field 'Retry[0]': 'MaxAttempts' must be")) << dump(p);
  p = retry(R"("MaxDelaySeconds": 31622401)");
  EXPECT_TRUE(has(p, "field 'Retry[0]': 'MaxDelaySeconds' must be")) << dump(p);
  p = retry(R"("BackoffRate": 1e308)");
  EXPECT_TRUE(has(p, "field 'Retry[0]': 'BackoffRate' must be")) << dump(p);
  p = retry(R"("BackoffRate": 0.5)");
  EXPECT_TRUE(has(p, "field 'Retry[0]': 'BackoffRate' must be")) << dump(p);
  p = retry(R"("JitterStrategy": 7)");
  EXPECT_TRUE(has(p, "field 'Retry[0]': 'JitterStrategy' must be")) << dump(p);

  p = problems_of(
      R"({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 4294967296,
      "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
      "End": true}}})");
  EXPECT_TRUE(has(p, "state 'M': field 'MaxConcurrency'")) << dump(p);
  p = problems_of(R"({"StartAt": "P", "TimeoutSeconds": 40000000,
      "States": {"P": {"Type": "Pass", "End": true}}})");
  EXPECT_TRUE(has(p, "state machine: field 'TimeoutSeconds'")) << dump(p);
  // A static intrinsic call that can only fail.
  p = problems_of(R"J({"StartAt": "P", "States": {"P": {"Type": "Pass",
      "Parameters": {"r.$": "States.ArrayRange(0, 1000000000, 1)"}, "End": true}}})J");
  EXPECT_TRUE(has(p, "state 'P'")) << dump(p);
  EXPECT_TRUE(has(p, "ArrayRange")) << dump(p);
}

}  // namespace
}  // namespace lifeboat::workflow

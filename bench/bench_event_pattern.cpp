// Micro-benchmark: one EventBridge-envelope CloudTrail event (SageMaker CreateUserProfile)
// matched against 100 event rules with a realistic mix of operators, and the time to compile
// those rules. Run a Release build: `bench_event_pattern --benchmark_min_time=1`.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/json.h"
#include "ingest/event_pattern.h"

namespace {

using lifeboat::core::Json;
using lifeboat::ingest::EventPattern;

constexpr const char* kEvent = R"({
  "version": "0",
  "id": "1f0b5a8e-7c7d-4a56-9a0e-4f3b0f7d2c11",
  "detail-type": "AWS API Call via CloudTrail",
  "source": "aws.sagemaker",
  "account": "111122223333",
  "time": "2026-11-29T10:00:00Z",
  "region": "us-east-1",
  "resources": [],
  "detail": {
    "eventVersion": "1.08",
    "userIdentity": {
      "type": "AssumedRole",
      "principalId": "AROAEXAMPLEID:admin-session",
      "arn": "arn:aws:sts::111122223333:assumed-role/PlatformAdmin/admin-session",
      "accountId": "111122223333",
      "sessionContext": {
        "sessionIssuer": {"type": "Role", "userName": "PlatformAdmin",
                          "arn": "arn:aws:iam::111122223333:role/PlatformAdmin"},
        "attributes": {"creationDate": "2026-11-29T09:58:12Z", "mfaAuthenticated": "false"}
      }
    },
    "eventTime": "2026-11-29T10:00:00Z",
    "eventSource": "sagemaker.amazonaws.com",
    "eventName": "CreateUserProfile",
    "awsRegion": "us-east-1",
    "sourceIPAddress": "10.20.3.17",
    "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 botocore/2.4.5",
    "requestParameters": {
      "domainId": "d-abc123xyz789",
      "userProfileName": "data-scientist-42",
      "tags": [{"key": "team", "value": "ml-research"}, {"key": "cost-center", "value": "4711"}],
      "userSettings": {
        "executionRole": "arn:aws:iam::111122223333:role/SageMakerExecution",
        "securityGroups": ["sg-0a1b2c3d4e5f60718"],
        "spaceStorageSettings": {"defaultEbsStorageSettings": {
          "defaultEbsVolumeSizeInGb": 5, "maximumEbsVolumeSizeInGb": 100}}
      }
    },
    "responseElements": {
      "userProfileArn": "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-abc123xyz789/data-scientist-42"
    },
    "requestID": "5e1c7a3b-3c9e-4f62-8d5f-0a7e2f9b1c44",
    "eventID": "0c6b7f43-0d1e-4f5f-9c1a-2f3e4d5c6b7a",
    "readOnly": false,
    "eventType": "AwsApiCall",
    "managementEvent": true,
    "recipientAccountId": "111122223333",
    "eventCategory": "Management"
  }
})";

// 100 rules, ten of each shape, varied by index so that a few match and most fail at
// different depths (as a real rule set would).
std::vector<std::string> rule_texts() {
  std::vector<std::string> rules;
  const char* names[] = {"CreateUserProfile", "DeleteUserProfile", "CreateSpace", "DeleteSpace",
                         "CreateDomain"};
  for (int i = 0; i < 10; ++i) {
    const char* name = names[i % 5];
    // 1. The reference architecture's rule: source, detail-type, eventName list.
    rules.push_back(fmt::format(
        R"({{"source": ["aws.sagemaker"], "detail-type": ["AWS API Call via CloudTrail"],
            "detail": {{"eventSource": ["sagemaker.amazonaws.com"], "eventName": ["{}", "Other{}"]}}}})",
        name, i));
    // 2. Narrowed to some domains by prefix.
    rules.push_back(fmt::format(
        R"({{"source": ["aws.sagemaker"], "detail": {{"eventName": ["{}"],
            "requestParameters": {{"domainId": [{{"prefix": "d-abc{}"}}, "d-fixed{}"]}}}}}})",
        name, i % 3 == 0 ? "" : std::to_string(i), i));
    // 3. Case-insensitive suffix and equals on the profile name.
    rules.push_back(fmt::format(
        R"({{"detail": {{"requestParameters": {{"userProfileName": [{{"suffix": {{"equals-ignore-case": "-{}"}}}},
            {{"equals-ignore-case": "DATA-SCIENTIST-{}"}}]}}}}}})",
        40 + i, 38 + i));
    // 4. Wildcard on the caller's role.
    rules.push_back(fmt::format(
        R"({{"detail": {{"userIdentity": {{"arn": [{{"wildcard": "arn:aws:sts::*:assumed-role/{}*/*"}}]}}}}}})",
        i % 2 == 0 ? "PlatformAdmin" : "Other"));
    // 5. Anything-but lists and anything-but prefix.
    rules.push_back(fmt::format(
        R"({{"source": ["aws.sagemaker"], "detail": {{"eventName": [{{"anything-but": ["Describe{}", "List{}"]}}],
            "userAgent": [{{"anything-but": {{"prefix": "console{}"}}}}]}}}})",
        i, i, i));
    // 6. Numeric ranges on the storage settings.
    rules.push_back(fmt::format(
        R"({{"detail": {{"requestParameters": {{"userSettings": {{"spaceStorageSettings": {{
            "defaultEbsStorageSettings": {{"defaultEbsVolumeSizeInGb": [{{"numeric": [">", {}, "<=", {}]}}],
            "maximumEbsVolumeSizeInGb": [{{"numeric": ["<", {}]}}]}}}}}}}}}}}})",
        i, i + 10, 50 + 10 * i));
    // 7. Source network by CIDR, IPv4 and IPv6.
    rules.push_back(fmt::format(
        R"({{"detail": {{"sourceIPAddress": [{{"cidr": "10.{}.0.0/16"}}, {{"cidr": "2001:db8:{}::/48"}}],
            "eventName": [{{"prefix": "Create"}}]}}}})",
        15 + i, i));
    // 8. Exists: only successful calls (no errorCode) by a role.
    rules.push_back(fmt::format(
        R"({{"detail": {{"errorCode": [{{"exists": false}}], "userIdentity": {{"type": ["{}"]}},
            "readOnly": [false]}}}})",
        i % 2 == 0 ? "AssumedRole" : "IAMUser"));
    // 9. Tags in an array of objects (array-consistent).
    rules.push_back(fmt::format(
        R"({{"detail": {{"requestParameters": {{"tags": {{"key": ["team"], "value": [{{"prefix": "ml-{}"}}]}}}}}}}})",
        i % 4 == 0 ? "" : "team" + std::to_string(i)));
    // 10. "$or" across fields.
    rules.push_back(fmt::format(
        R"({{"source": ["aws.sagemaker"], "$or": [
            {{"detail": {{"eventName": ["Delete{}"]}}}},
            {{"detail": {{"requestParameters": {{"userProfileName": [{{"prefix": "data-scientist-{}"}}]}}}}}},
            {{"account": ["{}"]}}]}})",
        i, i, 111122223330 + i));
  }
  return rules;
}

std::vector<Json> rule_jsons() {
  std::vector<Json> out;
  for (const std::string& text : rule_texts()) out.push_back(Json::parse(text));
  return out;
}

std::vector<EventPattern> compiled_rules() {
  std::vector<EventPattern> out;
  for (const Json& rule : rule_jsons()) {
    auto compiled = EventPattern::compile(rule);
    if (!compiled) throw std::runtime_error(compiled.status().to_string());
    out.push_back(*compiled);
  }
  return out;
}

void BM_MatchCloudTrailEventAgainst100Rules(benchmark::State& state) {
  const std::vector<EventPattern> rules = compiled_rules();
  const Json event = Json::parse(kEvent);
  int64_t matched = 0;
  for (auto _ : state) {
    matched = 0;
    for (const EventPattern& rule : rules) matched += rule.matches(event) ? 1 : 0;
    benchmark::DoNotOptimize(matched);
  }
  state.counters["rules_matched"] = static_cast<double>(matched);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rules.size()));
}
BENCHMARK(BM_MatchCloudTrailEventAgainst100Rules);

void BM_ParseEventThenMatch100Rules(benchmark::State& state) {
  const std::vector<EventPattern> rules = compiled_rules();
  for (auto _ : state) {
    const Json event = Json::parse(kEvent);
    int64_t matched = 0;
    for (const EventPattern& rule : rules) matched += rule.matches(event) ? 1 : 0;
    benchmark::DoNotOptimize(matched);
  }
}
BENCHMARK(BM_ParseEventThenMatch100Rules);

void BM_Compile100Rules(benchmark::State& state) {
  const std::vector<Json> rules = rule_jsons();
  for (auto _ : state) {
    for (const Json& rule : rules) {
      auto compiled = EventPattern::compile(rule);
      benchmark::DoNotOptimize(compiled);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rules.size()));
}
BENCHMARK(BM_Compile100Rules);

void BM_Compile100RulesFromText(benchmark::State& state) {
  const std::vector<std::string> rules = rule_texts();
  for (auto _ : state) {
    for (const std::string& rule : rules) {
      auto compiled = EventPattern::compile_text(rule);
      benchmark::DoNotOptimize(compiled);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rules.size()));
}
BENCHMARK(BM_Compile100RulesFromText);

}  // namespace

BENCHMARK_MAIN();

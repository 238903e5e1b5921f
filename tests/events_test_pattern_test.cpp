// `lifeboat events test-pattern`: the exit-code contract of EventBridge's TestEventPattern
// (0 match / 1 no match / 2 invalid), @FILE arguments, and messages that say what is wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "support/process.h"

namespace lifeboat::testing {
namespace {

constexpr const char* kCreateUserProfile = R"({
  "version": "0", "id": "3f1f2ae5-7b6a-4c47-9d6c-1b1c0e6d7a11",
  "detail-type": "AWS API Call via CloudTrail", "source": "aws.sagemaker",
  "account": "111122223333", "time": "2026-11-29T10:00:00Z", "region": "us-east-1",
  "resources": [],
  "detail": {
    "eventSource": "sagemaker.amazonaws.com", "eventName": "CreateUserProfile",
    "eventID": "0c6b7f43-0d1e-4f5f-9c1a-2f3e4d5c6b7a", "eventTime": "2026-11-29T10:00:00Z",
    "sourceIPAddress": "10.0.3.17",
    "requestParameters": {"domainId": "d-abc123", "userProfileName": "user1"}
  }
})";

constexpr const char* kRule = R"({
  "source": ["aws.sagemaker"],
  "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {
    "eventName": ["CreateUserProfile", "CreateSpace"],
    "requestParameters": {"domainId": [{"prefix": "d-"}]},
    "sourceIPAddress": [{"cidr": "10.0.0.0/16"}]
  }
})";

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

TEST(EventsTestPattern, MatchPrintsTrueAndExitsZero) {
  auto r =
      run_lifeboat({"events", "test-pattern", "--pattern", kRule, "--event", kCreateUserProfile});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "true\n");
  EXPECT_EQ(r.err, "");
}

TEST(EventsTestPattern, NoMatchPrintsFalseAndExitsOne) {
  auto r = run_lifeboat({"events", "test-pattern", "--pattern",
                         R"({"detail": {"eventName": ["DeleteUserProfile"]}})", "--event",
                         kCreateUserProfile});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "false\n");
}

TEST(EventsTestPattern, ReadsPatternAndEventFromFiles) {
  TempDir dir;
  write_file(dir / "rule.json", kRule);
  write_file(dir / "event.json", kCreateUserProfile);
  auto r = run_lifeboat({"events", "test-pattern", "--pattern", "@" + (dir / "rule.json"),
                         "--event", "@" + (dir / "event.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "true\n");
}

TEST(EventsTestPattern, InvalidPatternExitsTwoWithTheReason) {
  auto r = run_lifeboat({"events", "test-pattern", "--pattern",
                         R"({"detail": {"eventName": [{"numeric": [">", 10, "<", 5]}]}})",
                         "--event", kCreateUserProfile});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("invalid event pattern at detail.eventName[0].numeric"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("lower bound 10 must be less than the upper bound 5"), std::string::npos)
      << r.err;
}

TEST(EventsTestPattern, OperatorWhereAListBelongsIsExplained) {
  auto r = run_lifeboat({"events", "test-pattern", "--pattern", R"({"source": {"prefix": "aws."}})",
                         "--event", kCreateUserProfile});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be inside a value list"), std::string::npos) << r.err;
}

TEST(EventsTestPattern, PatternThatIsNotJsonExitsTwo) {
  auto r = run_lifeboat({"events", "test-pattern", "--pattern", "{source: x}", "--event", "{}"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("event pattern is not valid JSON"), std::string::npos) << r.err;
}

TEST(EventsTestPattern, EventThatIsNotAnObjectExitsTwo) {
  auto r = run_lifeboat({"events", "test-pattern", "--pattern", R"({"source": ["aws.sagemaker"]})",
                         "--event", "[{}]"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("the event must be a JSON object"), std::string::npos) << r.err;

  auto broken = run_lifeboat(
      {"events", "test-pattern", "--pattern", R"({"source": ["aws.sagemaker"]})", "--event", "{"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("event is not valid JSON"), std::string::npos) << broken.err;
}

TEST(EventsTestPattern, UnreadableFileExitsTwoNamingIt) {
  TempDir dir;
  const std::string missing = dir / "no-such-rule.json";
  auto r = run_lifeboat(
      {"events", "test-pattern", "--pattern", "@" + missing, "--event", kCreateUserProfile});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read pattern file '" + missing + "'"), std::string::npos) << r.err;
}

TEST(EventsTestPattern, MissingOptionIsAUsageError) {
  auto r = run_lifeboat({"events", "test-pattern", "--pattern", kRule});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--event"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lifeboat::testing

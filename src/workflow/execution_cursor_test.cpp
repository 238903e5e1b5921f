#include "workflow/execution_cursor.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace lifeboat::workflow {
namespace {

using core::Json;

// Cursors as the executor wrote them before ExecutionCursor existed.
constexpr const char* kOldRetry = R"({"state": "Copy", "input": {"x": 1}, "phase": "retry",
    "exec": {"Id": "e1", "Name": "n"}, "transitions": 3, "history": 17, "limit_hit": true,
    "entered": "2026-01-01T00:00:00.000Z", "attempt": 2, "retries": {"0": 1, "1": 1},
    "effective": {"y": 2}, "timeout": 60, "retry_phase": "start_children",
    "first_child_index": 4, "items": [1, 2], "started": 2, "round": 1})";
constexpr const char* kOldPoll = R"({"state": "Await", "input": {}, "phase": "poll",
    "exec": {"Id": "e2"}, "history": 5, "polls": 2, "first_run": "2026-01-01T00:00:01.500Z"})";

TEST(ExecutionCursor, ReadsWhatOlderBinariesWrote) {
  auto c = ExecutionCursor::parse(kOldRetry).value();
  EXPECT_EQ(c.state, "Copy");
  EXPECT_EQ(c.input, Json({{"x", 1}}));
  EXPECT_EQ(c.phase, Phase::kRetry);
  EXPECT_EQ(c.retry_phase, Phase::kStartChildren);
  EXPECT_EQ(c.transitions, 3);
  EXPECT_EQ(c.history, 17);
  EXPECT_TRUE(c.limit_hit);
  EXPECT_EQ(c.attempt, 2);
  EXPECT_EQ(c.retries.at(1), 1);
  EXPECT_EQ(*c.timeout, 60);
  EXPECT_EQ(c.first_child_index, 4);
  EXPECT_EQ(c.items->size(), 2u);
  EXPECT_EQ(c.started, 2);
  EXPECT_FALSE(c.running.has_value());  // rebuilt from the store by the executor

  auto p = ExecutionCursor::parse(kOldPoll).value();
  EXPECT_EQ(p.phase, Phase::kPoll);
  EXPECT_EQ(p.transitions, 0);
  EXPECT_EQ(*p.polls, 2);
  EXPECT_EQ(*p.first_run, core::parse_rfc3339("2026-01-01T00:00:01.500Z").value());
}

TEST(ExecutionCursor, WritesTheSameKeysBack) {
  for (const char* text : {kOldRetry, kOldPoll}) {
    const Json old = Json::parse(text);
    const auto c = ExecutionCursor::parse(text).value();
    const Json written = Json::parse(c.dump());
    for (auto it = old.begin(); it != old.end(); ++it)
      EXPECT_EQ(written.at(it.key()), it.value()) << it.key();
    EXPECT_EQ(ExecutionCursor::parse(c.dump()).value().dump(), c.dump());
  }
}

TEST(ExecutionCursor, RefusesWhatIsNoCursor) {
  EXPECT_FALSE(ExecutionCursor::parse("not json").is_ok());
  EXPECT_FALSE(ExecutionCursor::parse("[]").is_ok());
  EXPECT_FALSE(ExecutionCursor::parse(R"({"phase": "sideways"})").is_ok());
  EXPECT_FALSE(ExecutionCursor::parse(R"({"state": 7})").is_ok());
  EXPECT_FALSE(ExecutionCursor::parse(R"({"items": {}})").is_ok());
}

}  // namespace
}  // namespace lifeboat::workflow

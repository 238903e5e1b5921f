#include "workflow/choice_rule.h"

#include <gtest/gtest.h>

#include "workflow/asl_error.h"

namespace lifeboat::workflow {
namespace {

using core::Json;

const Json kInput = Json::parse(R"({"s": "beta", "n": 5, "f": 2.5, "b": true, "nil": null,
  "t": "2026-01-01T10:00:00Z", "t2": "2026-06-01T00:00:00Z", "limit": 10, "star": "a*b"})");

bool eval(const std::string& rule_text) {
  auto r = evaluate_choice_rule(Json::parse(rule_text), kInput, Json::object());
  EXPECT_TRUE(r.is_ok()) << rule_text << ": " << r.status().to_string();
  return r.is_ok() && *r;
}

TEST(ChoiceRule, StringComparisons) {
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringEquals": "beta"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringLessThan": "gamma"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringGreaterThan": "alpha"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringLessThanEquals": "beta"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringGreaterThanEquals": "beta"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringEqualsPath": "$.s"})"));
  EXPECT_FALSE(eval(R"({"Variable": "$.n", "StringEquals": "5"})"));
}

TEST(ChoiceRule, StringMatchesWithEscapes) {
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringMatches": "b*a"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "StringMatches": "*"})"));
  EXPECT_FALSE(eval(R"({"Variable": "$.s", "StringMatches": "b*x"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.star", "StringMatches": "a\\*b"})"));
  EXPECT_FALSE(eval(R"({"Variable": "$.s", "StringMatches": "b\\*a"})"));
  EXPECT_TRUE(string_matches("log-2026.txt", "log-*.txt"));
  EXPECT_TRUE(string_matches("a\\b", "a\\\\b"));
}

TEST(ChoiceRule, NumericAndBooleanComparisons) {
  EXPECT_TRUE(eval(R"({"Variable": "$.n", "NumericEquals": 5})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.f", "NumericLessThan": 3})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.n", "NumericGreaterThan": 4.5})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.n", "NumericLessThanEquals": 5})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.n", "NumericGreaterThanEquals": 5})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.n", "NumericLessThanPath": "$.limit"})"));
  EXPECT_FALSE(eval(R"({"Variable": "$.s", "NumericEquals": 5})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.b", "BooleanEquals": true})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.b", "BooleanEqualsPath": "$.b"})"));
}

TEST(ChoiceRule, TimestampComparisons) {
  EXPECT_TRUE(eval(R"({"Variable": "$.t", "TimestampEquals": "2026-01-01T11:00:00+01:00"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.t", "TimestampLessThan": "2026-01-02T00:00:00Z"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.t", "TimestampGreaterThan": "2025-01-02T00:00:00Z"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.t", "TimestampLessThanEquals": "2026-01-01T10:00:00Z"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.t", "TimestampGreaterThanEquals": "2026-01-01T10:00:00Z"})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.t", "TimestampLessThanPath": "$.t2"})"));
  EXPECT_FALSE(eval(R"({"Variable": "$.s", "TimestampLessThan": "2026-01-02T00:00:00Z"})"));
}

TEST(ChoiceRule, TypeTestsAndCombinators) {
  EXPECT_TRUE(eval(R"({"Variable": "$.nil", "IsNull": true})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.missing", "IsPresent": false})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "IsPresent": true})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.f", "IsNumeric": true})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.s", "IsString": true})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.b", "IsBoolean": true})"));
  EXPECT_TRUE(eval(R"({"Variable": "$.t", "IsTimestamp": true})"));
  EXPECT_FALSE(eval(R"({"Variable": "$.s", "IsTimestamp": true})"));
  EXPECT_TRUE(eval(R"({"And": [{"Variable": "$.n", "NumericEquals": 5},
                              {"Not": {"Variable": "$.s", "StringEquals": "x"}}]})"));
  EXPECT_TRUE(eval(R"({"Or": [{"Variable": "$.n", "NumericEquals": 1},
                             {"Variable": "$.b", "BooleanEquals": true}]})"));
}

TEST(ChoiceRule, MissingVariableIsRuntimeError) {
  auto r = evaluate_choice_rule(Json::parse(R"({"Variable": "$.nope", "StringEquals": "x"})"),
                                kInput, Json::object());
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(to_asl_error(r.status()).error, "States.Runtime");
}

TEST(ChoiceRule, StaticChecks) {
  std::vector<std::string> problems;
  check_choice_rule(Json::parse(R"({"Variable": "$.x", "StringEquals": 3, "Next": "A"})"), "r",
                    true, problems);
  check_choice_rule(Json::parse(R"({"Variable": "$.x", "NumericEquals": 3})"), "r2", true,
                    problems);
  check_choice_rule(Json::parse(R"({"Variable": "x", "IsNull": true, "Next": "A"})"), "r3", true,
                    problems);
  check_choice_rule(Json::parse(R"({"Variable": "$.x", "Bogus": 1, "Next": "A"})"), "r4", true,
                    problems);
  auto has = [&](const std::string& prefix, const std::string& text) {
    for (const auto& p : problems)
      if (p.rfind(prefix + ":", 0) == 0 && p.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("r", "'StringEquals' must be a string"));
  EXPECT_TRUE(has("r2", "'Next' is required"));
  EXPECT_TRUE(has("r3", "'Variable' must be a reference path"));
  EXPECT_TRUE(has("r4", "unknown field 'Bogus'"));
}

}  // namespace
}  // namespace lifeboat::workflow

#include "workflow/json_path.h"

#include <gtest/gtest.h>

namespace lifeboat::workflow {
namespace {

const Json kInput = Json::parse(R"({"a": {"b": [10, 20, {"c": "x"}]}, "odd key": 1,
                                   "list": [{"n": 1}, {"n": 2}]})");
const Json kContext = Json::parse(R"({"Execution": {"Id": "e-1"}})");

TEST(JsonPath, SelectsFieldsIndexesAndQuotedNames) {
  EXPECT_EQ(JsonPath::parse("$")->select(kInput, kContext).value(), kInput);
  EXPECT_EQ(JsonPath::parse("$.a.b[1]")->select(kInput, kContext).value(), 20);
  EXPECT_EQ(JsonPath::parse("$.a.b[2].c")->select(kInput, kContext).value(), "x");
  EXPECT_EQ(JsonPath::parse("$['odd key']")->select(kInput, kContext).value(), 1);
  EXPECT_EQ(JsonPath::parse("$$.Execution.Id")->select(kInput, kContext).value(), "e-1");
}

TEST(JsonPath, WildcardsSelectArrays) {
  auto p = JsonPath::parse("$.list[*].n");
  ASSERT_TRUE(p.is_ok());
  EXPECT_FALSE(p->is_reference());
  EXPECT_EQ(p->select(kInput, kContext).value(), Json::parse("[1, 2]"));
}

TEST(JsonPath, MissingNodeIsNotFound) {
  auto v = JsonPath::parse("$.a.missing")->select(kInput, kContext);
  ASSERT_FALSE(v.is_ok());
  EXPECT_NE(v.status().message().find("missing"), std::string::npos);
  EXPECT_FALSE(JsonPath::parse("$.a.b[9]")->select(kInput, kContext).is_ok());
}

TEST(JsonPath, RefusesWhatAslDoesNotAllow) {
  for (const char* bad : {"a.b", "$..a", "$.a[?(@.x)]", "$.a[1:2]", "$.", "$.a[", "$a"}) {
    EXPECT_FALSE(JsonPath::parse(bad).is_ok()) << bad;
  }
}

TEST(JsonPath, AssignCreatesFieldsAndRefusesNonObjects) {
  Json target = Json::parse(R"({"x": 1, "s": "text"})");
  ASSERT_TRUE(JsonPath::parse("$.r.deep")->assign(target, 5).is_ok());
  EXPECT_EQ(target, Json::parse(R"({"x": 1, "s": "text", "r": {"deep": 5}})"));
  EXPECT_FALSE(JsonPath::parse("$.s.y")->assign(target, 1).is_ok());
  EXPECT_FALSE(JsonPath::parse("$$.x")->assign(target, 1).is_ok());
  Json whole = 1;
  ASSERT_TRUE(JsonPath::parse("$")->assign(whole, "all").is_ok());
  EXPECT_EQ(whole, "all");
}

}  // namespace
}  // namespace lifeboat::workflow

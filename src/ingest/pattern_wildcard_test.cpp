#include "ingest/pattern_wildcard.h"

#include <gtest/gtest.h>

namespace lifeboat::ingest {
namespace {

bool wild(std::string_view pattern, std::string_view value) {
  auto w = WildcardPattern::parse(pattern);
  EXPECT_TRUE(w.is_ok()) << pattern << ": " << w.status().to_string();
  return w && w->matches(value);
}

TEST(WildcardPattern, LiteralWithoutStarsIsEquality) {
  EXPECT_TRUE(wild("abc", "abc"));
  EXPECT_FALSE(wild("abc", "abcd"));
  EXPECT_TRUE(wild("", ""));
  EXPECT_FALSE(wild("", "a"));
}

TEST(WildcardPattern, StarsAnywhere) {
  EXPECT_TRUE(wild("*", ""));
  EXPECT_TRUE(wild("a*", "a"));
  EXPECT_TRUE(wild("*a", "bba"));
  EXPECT_TRUE(wild("a*b*c", "abc"));
  EXPECT_TRUE(wild("a*b*c", "aXbYc"));
  EXPECT_FALSE(wild("a*b*c", "acb"));
  // The fixed ends must not overlap: "aa" is too short for "a*a" plus anything in between
  // only if it cannot supply both ends.
  EXPECT_TRUE(wild("a*a", "aa"));
  EXPECT_FALSE(wild("a*a", "a"));
  EXPECT_TRUE(wild("*ab*ab*", "xxabyyab"));
  EXPECT_FALSE(wild("*ab*ab*", "xxabyya"));
  EXPECT_TRUE(wild("*.png", "ü.png"));
}

TEST(WildcardPattern, Escapes) {
  EXPECT_TRUE(wild(R"(\*)", "*"));
  EXPECT_FALSE(wild(R"(\*)", "x"));
  EXPECT_TRUE(wild(R"(\\)", "\\"));
  EXPECT_TRUE(wild(R"(a\\*)", "a\\zz"));
  EXPECT_TRUE(wild(R"(*\**)", "x*y"));
  EXPECT_FALSE(wild(R"(*\**)", "xy"));
}

TEST(WildcardPattern, RejectsWhatEventBridgeRejects) {
  EXPECT_FALSE(WildcardPattern::parse("a**").is_ok());
  EXPECT_FALSE(WildcardPattern::parse("**").is_ok());
  EXPECT_FALSE(WildcardPattern::parse(R"(\a)").is_ok());
  EXPECT_FALSE(WildcardPattern::parse(R"(a\)").is_ok());
  // An escaped star next to a star is two different characters, which is fine.
  EXPECT_TRUE(WildcardPattern::parse(R"(*\*)").is_ok());
}

}  // namespace
}  // namespace lifeboat::ingest

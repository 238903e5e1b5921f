#include "ingest/pattern_complexity.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lifeboat::ingest {
namespace {

int complexity(const std::vector<std::string>& texts, int limit = 1000) {
  std::vector<WildcardPattern> patterns;
  for (const std::string& t : texts) patterns.push_back(WildcardPattern::parse(t).value());
  return wildcard_complexity(patterns, limit);
}

// The expected values are event-ruler's own (aws/event-ruler,
// src/test/software/amazon/event/ruler/MachineComplexityEvaluatorTest.java), each with the
// value that matches that many prefixes at once.
TEST(WildcardComplexity, OnePatternAsEventRulerCountsIt) {
  EXPECT_EQ(complexity({"*"}), 1);
  EXPECT_EQ(complexity({"abc"}), 1);
  EXPECT_EQ(complexity({"*ab"}), 2);       // "ab": "*", "*ab"
  EXPECT_EQ(complexity({"*aa"}), 3);       // "aa": "*", "*a", "*aa"
  EXPECT_EQ(complexity({"a*b"}), 2);       // "ab": "a*", "a*b"
  EXPECT_EQ(complexity({"aa*"}), 2);       // "aa": "aa", "aa*"
  EXPECT_EQ(complexity({"a*bbb"}), 4);     // "abbb": "a*", "a*b", "a*bb", "a*bbb"
  EXPECT_EQ(complexity({"*ab*ad"}), 4);    // "aba": "*", "*a", "*ab*", "*ab*a"
  EXPECT_EQ(complexity({"*aba*"}), 4);     // "aba": "*", "*a", "*aba", "*aba*"
  EXPECT_EQ(complexity({"a*b*bb"}), 5);    // "abbb"
  EXPECT_EQ(complexity({"a*b*cd"}), 3);    // "abcd": "a*", "a*b*", "a*b*cd"
  EXPECT_EQ(complexity({"*ab*b*b*"}), 7);  // "abbbab"
  EXPECT_EQ(complexity({"*a*a*a*a*a*a*a*a*"}), 17);
}

TEST(WildcardComplexity, PatternsOfOneFieldAddUp) {
  EXPECT_EQ(complexity({"ab*c", "x*xx"}), 3);  // no value matches prefixes of both
  EXPECT_EQ(complexity({"*abc", "*abcde"}), 4);
  EXPECT_EQ(complexity({"a*aaa", "aa*aa"}), 7);
  EXPECT_EQ(complexity({"ab*cd", "ab*wx", "ab*yz"}), 6);
  EXPECT_EQ(complexity({"ab*c", "ab*c"}), 2);  // the same pattern twice counts once
  EXPECT_EQ(complexity({"*x*x*x*"}), 7);
  EXPECT_EQ(complexity({"*x*y*"}), 4);
  EXPECT_EQ(complexity({"*x*x*x*", "*x*y*"}), 11);
}

// Recorded on AWS (localstack/localstack, tests/aws/services/events/
// test_events_patterns.snapshot.json and event_pattern_templates/content_wildcard_*.json5):
// refused as too complex, and accepted.
TEST(WildcardComplexity, WhatAwsRefusesIsAboveTheLimitAndWhatItAcceptsIsNot) {
  EXPECT_GT(complexity({"*:*:*:*:*:event-bus/*"}), kMaxWildcardComplexity);
  EXPECT_EQ(complexity({"*:*:*:*:*:event-bus/*"}), 11);
  EXPECT_LE(complexity({"arn:aws:events:us-east-1:*:event-bus/*"}), kMaxWildcardComplexity);
  EXPECT_EQ(complexity({"/Users/*/dir/dir/dir/dir/dir/doc.txt"}), 7);
  EXPECT_LE(complexity({"*/dir/*"}), kMaxWildcardComplexity);
}

TEST(WildcardComplexity, TooComplexAgreesWithTheMeasure) {
  for (const std::vector<std::string>& texts :
       std::vector<std::vector<std::string>>{{"*:*:*:*:*:event-bus/*"},
                                             {"arn:aws:events:us-east-1:*:event-bus/*"},
                                             {"/Users/*/dir/dir/dir/dir/dir/doc.txt"},
                                             {"*x*x*x*", "*x*y*"},
                                             {"*x*x*x*"},
                                             {"d-*"},
                                             {"*aaaaaaaaaa"},
                                             {"*aaaaaaaaa"}}) {
    std::vector<WildcardPattern> patterns;
    for (const std::string& t : texts) patterns.push_back(WildcardPattern::parse(t).value());
    EXPECT_EQ(wildcards_too_complex(patterns), complexity(texts) > kMaxWildcardComplexity)
        << texts.front();
  }
}

TEST(WildcardComplexity, StopsAsSoonAsTheLimitIsPassed) {
  EXPECT_GT(complexity({"*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*"}, 10), 10);
  std::vector<std::string> many;
  for (int i = 0; i < 200; ++i) many.push_back("*" + std::to_string(i * 7919) + "*x*y*");
  EXPECT_GT(complexity(many, kMaxWildcardComplexity), kMaxWildcardComplexity);
}

}  // namespace
}  // namespace lifeboat::ingest

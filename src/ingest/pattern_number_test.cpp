#include "ingest/pattern_number.h"

#include <gtest/gtest.h>

namespace lifeboat::ingest {
namespace {

using core::Json;

std::optional<std::int64_t> micros(std::string_view json_text) {
  return comparable_number(Json::parse(json_text));
}

TEST(ComparableNumber, AnySpellingOfOneNumberIsOneValue) {
  EXPECT_EQ(micros("300"), 300'000'000);
  EXPECT_EQ(micros("300.0"), 300'000'000);
  EXPECT_EQ(micros("3.0e2"), 300'000'000);
  EXPECT_EQ(micros("3.018e2"), 301'800'000);
  EXPECT_EQ(micros("-0.000001"), -1);
  EXPECT_EQ(micros("0.1"), 100'000);
}

TEST(ComparableNumber, RangeAndPrecisionLimits) {
  EXPECT_EQ(micros("5e9"), kMaxComparableMicros);
  EXPECT_EQ(micros("-5000000000"), -kMaxComparableMicros);
  EXPECT_EQ(micros("4999999999.999999"), kMaxComparableMicros - 1);
  EXPECT_FALSE(micros("5000000001"));
  EXPECT_FALSE(micros("-5.1e9"));
  EXPECT_FALSE(micros("18446744073709551615"));
  EXPECT_FALSE(micros("0.0000001"));
  EXPECT_FALSE(micros("1.0000005"));
  EXPECT_FALSE(micros("\"5\""));
  EXPECT_FALSE(micros("true"));
  EXPECT_FALSE(micros("null"));
}

TEST(SameJsonNumber, ComparesValues) {
  EXPECT_TRUE(same_json_number(Json::parse("123456789012"), Json::parse("123456789012")));
  EXPECT_TRUE(same_json_number(Json::parse("123456789012"), Json::parse("1.23456789012e11")));
  EXPECT_FALSE(same_json_number(Json::parse("-1"), Json::parse("18446744073709551615")));
  EXPECT_FALSE(same_json_number(Json::parse("1"), Json::parse("\"1\"")));
}

}  // namespace
}  // namespace lifeboat::ingest

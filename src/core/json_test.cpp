#include "core/json.h"

#include <gtest/gtest.h>

#include <string>

namespace lifeboat::core {
namespace {

void expect_invalid(const std::string& text, const std::string& needle) {
  auto r = parse_json(text, "the body");
  ASSERT_FALSE(r.is_ok()) << text.substr(0, 80);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("the body"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  // The message itself is printable ASCII, so it can go into any log or JSON answer.
  const std::string message = r.status().message();
  for (char c : message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << message;
}

TEST(ParseJson, ParsesOrdinaryDocuments) {
  auto r = parse_json(R"({"a": [1, "x]]]{{", {"b": null}], "c": 1.5e10})", "t");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)["a"][1], "x]]]{{");
}

// The limit parse_json enforces (kMaxJsonDepth in json.cpp).
constexpr std::size_t kMaxJsonDepth = 128;

TEST(ParseJson, AcceptsNestingUpToTheLimit) {
  const std::string deep = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse_json(deep, "t").is_ok());
  // Brackets inside strings (escaped quotes included) do not count.
  const std::string quoted = "[\"\\\"" + std::string(1000, '[') + "\"]";
  EXPECT_TRUE(parse_json(quoted, "t").is_ok());
}

TEST(ParseJson, RefusesDeeperNestingBeforeBuildingAnything) {
  const std::string too_deep =
      std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  expect_invalid(too_deep, "more than 128 levels deep (at byte 128)");
  // A megabyte of '[' (or '{') would overflow the stack of a recursive copy.
  expect_invalid(std::string(1 << 20, '['), "128 levels");
  std::string objects;
  for (int i = 0; i < 200; ++i) objects += "{\"a\":";
  expect_invalid(objects, "128 levels");
}

TEST(ParseJson, NumbersOutOfRangeAreInvalidArgument) {
  expect_invalid(R"({"x": 1e400})", "number out of range");
  expect_invalid("-1e999", "out of range");
}

TEST(ParseJson, InvalidUtf8IsInvalidArgumentWithAPrintableMessage) {
  expect_invalid("{\"id\": \"\xff\xfe\"}", "not valid UTF-8");
  expect_invalid("\"\xc3\"", "UTF-8");
  expect_invalid("{\"id\": \"\xed\xa0\x80\"}", "UTF-8");  // an encoded surrogate
}

TEST(ParseJson, SyntaxErrorsNameTheByte) {
  expect_invalid("{not json", "is not valid JSON (at byte 3)");
}

}  // namespace
}  // namespace lifeboat::core

#include "core/ids.h"

#include <regex>
#include <string>
#include <unordered_set>

#include <gtest/gtest.h>

namespace lifeboat::core {
namespace {

TEST(NewUuid, IsALowerCaseVersionFourRfc4122Uuid) {
  // Version nibble 4; variant bits 10 (the first hex digit of the fourth group is 8-b).
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_uuid();
    ASSERT_TRUE(std::regex_match(id, v4)) << id;
  }
}

TEST(NewUuid, NoDuplicatesInAHundredThousand) {
  std::unordered_set<std::string> seen;
  constexpr int kCount = 100000;
  seen.reserve(kCount);
  for (int i = 0; i < kCount; ++i) {
    const std::string id = new_uuid();
    ASSERT_TRUE(seen.insert(id).second) << "duplicate after " << i << ": " << id;
  }
}

TEST(NewUuid, EveryRandomBitVaries) {
  // Each of the 122 random bits takes both values across a few hundred ids; a stuck bit
  // (a byte not filled, a mask that clears too much) would not.
  std::string all_or(32, '0'), all_and(32, 'f');
  auto hex = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  auto digit = [](int v) { return "0123456789abcdef"[v]; };
  for (int i = 0; i < 500; ++i) {
    std::string id = new_uuid();
    std::erase(id, '-');
    for (std::size_t k = 0; k < 32; ++k) {
      all_or[k] = digit(hex(all_or[k]) | hex(id[k]));
      all_and[k] = digit(hex(all_and[k]) & hex(id[k]));
    }
  }
  // Fixed: the version nibble (digit 12) and the two variant bits (top of digit 16).
  std::string want_or(32, 'f'), want_and(32, '0');
  want_or[12] = '4';
  want_and[12] = '4';
  want_or[16] = 'b';
  want_and[16] = '8';
  EXPECT_EQ(all_or, want_or);
  EXPECT_EQ(all_and, want_and);
}

}  // namespace
}  // namespace lifeboat::core

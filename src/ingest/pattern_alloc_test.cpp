// EventPattern::matches promises not to allocate (it runs for every event against every
// rule). This binary counts heap allocations made on the calling thread to hold it to that.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "ingest/event_pattern.h"

// The replacement operator delete frees what the replacement operator new malloc'd; g++ 12
// cannot see that pairing once it inlines delete into std::allocator and warns wrongly.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
thread_local long g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace lifeboat::ingest {
namespace {

TEST(EventPatternAllocation, MatchingDoesNotAllocate) {
  auto pattern = EventPattern::compile_text(R"({
    "source": ["aws.sagemaker"],
    "detail": {
      "eventName": ["CreateUserProfile", {"prefix": "Create"}, {"suffix": {"equals-ignore-case": "PROFILE"}}],
      "sourceIPAddress": [{"cidr": "10.0.0.0/8"}, "2001:db8::1"],
      "requestParameters": {"domainId": [{"wildcard": "d-*"}], "n": [{"numeric": [">", 1, "<=", 9]}]},
      "errorCode": [{"exists": false}],
      "tags": {"key": [{"anything-but": {"equals-ignore-case": ["x", "y"]}}]},
      "$or": [{"readOnly": [false]}, {"x": [null]}]
    }})");
  ASSERT_TRUE(pattern.is_ok()) << pattern.status().to_string();
  const core::Json event = core::Json::parse(R"({
    "source": "aws.sagemaker",
    "detail": {"eventName": "CreateUserProfile", "sourceIPAddress": "10.1.2.3",
               "requestParameters": {"domainId": "d-abc", "n": 5},
               "tags": [{"key": "team"}], "readOnly": false}})");
  const long before = g_allocations;
  ASSERT_GT(before, 0) << "the counting operator new is not in use";
  bool hit = false;
  for (int i = 0; i < 100; ++i) hit = pattern->matches(event);
  EXPECT_EQ(g_allocations - before, 0);
  EXPECT_TRUE(hit);
}

TEST(EventPatternAllocation, KeysJoinedWithDotsAreFoundWithoutAllocating) {
  auto pattern = EventPattern::compile_text(
      R"({"detail.state": {"status": ["running"]}, "a": {"b.c": [{"exists": false}]}})");
  ASSERT_TRUE(pattern.is_ok()) << pattern.status().to_string();
  const core::Json event =
      core::Json::parse(R"({"detail": {"state.status": "running"}, "a.b": {"d": 1}})");
  const long before = g_allocations;
  bool hit = false;
  for (int i = 0; i < 100; ++i) hit = pattern->matches(event);
  EXPECT_EQ(g_allocations - before, 0);
  EXPECT_TRUE(hit);
}

}  // namespace
}  // namespace lifeboat::ingest

#include "transfer/token_bucket.h"

#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "core/fake_clock.h"

namespace lifeboat::transfer {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// A bucket on a fake clock whose sleeper records each wait and moves the clock by it.
struct FakeTimeBucket {
  explicit FakeTimeBucket(std::uint64_t rate)
      : bucket(rate, clock, [this](nanoseconds d) {
          waits.push_back(d);
          clock.advance(d);
        }) {}
  nanoseconds slept() const {
    nanoseconds total{0};
    for (auto w : waits) total += w;
    return total;
  }
  core::FakeClock clock;
  std::vector<nanoseconds> waits;
  TokenBucket bucket;
};

TEST(TokenBucketTest, UnlimitedNeverWaits) {
  FakeTimeBucket b(0);
  for (int i = 0; i < 100; ++i) b.bucket.acquire(1 << 30);
  EXPECT_TRUE(b.waits.empty());
}

TEST(TokenBucketTest, HoldsTheRateOverManyChunks) {
  // 1000 bytes/s; 10 chunks of 100 bytes take one second of waiting (the bucket starts
  // empty), whatever the chunk size.
  FakeTimeBucket b(1000);
  for (int i = 0; i < 10; ++i) b.bucket.acquire(100);
  EXPECT_EQ(b.waits.size(), 10u);
  EXPECT_NEAR(std::chrono::duration<double>(b.slept()).count(), 1.0, 1e-6);
}

TEST(TokenBucketTest, IdleTimeBuysAtMostAQuarterSecondOfBurst) {
  FakeTimeBucket b(1000);
  b.clock.advance(std::chrono::seconds(10));
  b.bucket.acquire(250);  // the quarter second saved up: no wait
  EXPECT_TRUE(b.waits.empty());
  b.bucket.acquire(500);  // nothing left: half a second
  ASSERT_EQ(b.waits.size(), 1u);
  EXPECT_NEAR(std::chrono::duration<double>(b.waits[0]).count(), 0.5, 1e-6);
}

TEST(TokenBucketTest, ALaterCallerWaitsBehindAnEarlierReservation) {
  // Two callers at the same instant: the second waits for both chunks' worth, since the
  // first reserved its tokens before sleeping.
  core::FakeClock clock;
  std::vector<nanoseconds> waits;
  TokenBucket bucket(1000, clock, [&waits](nanoseconds d) { waits.push_back(d); });
  bucket.acquire(100);
  bucket.acquire(100);
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_NEAR(std::chrono::duration<double>(waits[0]).count(), 0.1, 1e-6);
  EXPECT_NEAR(std::chrono::duration<double>(waits[1]).count(), 0.2, 1e-6);
}

}  // namespace
}  // namespace lifeboat::transfer

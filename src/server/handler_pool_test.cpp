#include "server/handler_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>

namespace lifeboat::server {
namespace {

TEST(HandlerPool, RefusesTasksBeyondTheQueueAndDropsQueuedOnStop) {
  HandlerPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.try_submit([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the one thread is busy
  std::atomic<int> ran{0};
  auto queued = std::make_shared<int>(0);  // its use count says which tasks still exist
  EXPECT_TRUE(pool.try_submit([&ran, queued] { ++ran; }));
  EXPECT_TRUE(pool.try_submit([&ran, queued] { ++ran; }));
  EXPECT_FALSE(pool.try_submit([&ran, queued] { ++ran; })) << "the queue holds two";
  std::thread stopper([&] { pool.stop(); });
  // stop() drops the queued tasks at once, while the running one still blocks it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (queued.use_count() > 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(queued.use_count(), 1);
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran.load(), 0) << "queued tasks are dropped by stop()";
  EXPECT_FALSE(pool.try_submit([] {})) << "a stopped pool takes nothing";
}

TEST(HandlerPool, AThrowingTaskDoesNotEndItsThread) {
  HandlerPool pool(1, 4);
  ASSERT_TRUE(pool.try_submit([] { throw std::runtime_error("boom"); }));
  std::promise<int> after;
  ASSERT_TRUE(pool.try_submit([&] { after.set_value(7); }));
  auto f = after.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(f.get(), 7);
}

}  // namespace
}  // namespace lifeboat::server

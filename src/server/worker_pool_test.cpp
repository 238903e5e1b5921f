#include "server/worker_pool.h"

#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "platform/local_platform_directory.h"
#include "store/open_store.h"
#include "tasks/builtin_resources.h"
#include "tasks/workflow_runtime.h"
#include "testing/temp_dir.h"
#include "testing/test_resources.h"

namespace lifeboat::server {
namespace {

using core::Json;
using std::chrono::seconds;

// Generous: these tests wait for worker threads, never for the (fake) clock.
constexpr auto kPatience = std::chrono::seconds(30);

class WorkerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // lifeboat:test.block stands in for a copy (it reports copies_into_volume()).
    tasks::set_extra_resources(&workflow::register_test_resources);
    auto opened = store::open_store(store::sqlite_url_for_data_dir(dir_));
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    registry_ = std::make_unique<registry::Registry>(*store_, platform_, clock_);
    starter_ = std::make_unique<tasks::WorkflowRuntime>(*store_, *registry_, clock_);
  }
  void TearDown() override {
    pool_.reset();
    starter_.reset();
    registry_.reset();
    store_.reset();
  }

  // A pool as a daemon named `owner` runs it (short polls: these tests wait in real time).
  std::unique_ptr<WorkerPool> new_pool(int workers, int per_volume,
                                       const std::string& owner = "node-a") {
    LeaseSettings leases;
    leases.owner = owner;
    leases.poll = std::chrono::milliseconds(50);
    return std::make_unique<WorkerPool>(
        *store_, *registry_, clock_, workers, per_volume, leases,
        [this](const std::string& id, store::ExecutionStatus status) {
          std::lock_guard lock(mu_);
          finished_[id] = store::execution_status_name(status);
          cv_.notify_all();
        });
  }
  void make_pool(int workers, int per_volume) { pool_ = new_pool(workers, per_volume); }

  // Records an execution of `def` (as the daemon does) and submits it to the pool.
  std::string submit(const Json& def, const Json& input) {
    auto id = starter_->executor().start(def, input, "", "", /*queue_here=*/false);
    EXPECT_TRUE(id.is_ok()) << id.status().to_string();
    pool_->submit(*id);
    return *id;
  }

  std::string submit_to(WorkerPool& pool, const Json& def, const Json& input) {
    auto id = starter_->executor().start(def, input, "", "", /*queue_here=*/false);
    EXPECT_TRUE(id.is_ok()) << id.status().to_string();
    pool.submit(*id);
    return *id;
  }

  bool wait_finished(const std::string& id) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kPatience, [&] { return finished_.count(id) != 0; });
  }
  std::string status_of(const std::string& id) {
    return std::string(
        store::execution_status_name(starter_->executions().get_execution(id).value()->status));
  }
  // Waits (in real time, for worker threads) until `pred` holds.
  template <typename Pred>
  bool eventually(Pred pred) {
    auto until = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
  }
  int lines(const std::string& file) {
    std::ifstream in(file);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  // Await a home, then "copy" (test.block) into its volume.
  Json await_then_copy() const {
    return Json::parse(R"({"StartAt": "Await", "States": {
        "Await": {"Type": "Task", "Resource": "lifeboat:home.await", "ResultPath": null,
                  "Parameters": {"path.$": "$.target", "timeoutSeconds": 3600}, "Next": "Copy"},
        "Copy": {"Type": "Task", "Resource": "lifeboat:test.block", "End": true,
                 "Parameters": {"counterFile.$": "$.counter", "releaseFile.$": "$.release",
                                "timeoutSeconds": 30}}}})");
  }
  Json recovery_input(const std::string& target, const std::string& volume) const {
    return Json{{"target", target},
                {"targetHome", {{"volumeId", volume}}},
                {"counter", dir_ + "/copies.txt"},
                {"release", dir_ + "/release"}};
  }

  lifeboat::testing::TempDir tmp_{"lifeboat-pool"};
  std::string dir_ = tmp_.path();
  core::FakeClock clock_;
  platform::LocalPlatformDirectory platform_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<tasks::WorkflowRuntime> starter_;
  std::unique_ptr<WorkerPool> pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> finished_;
};

// A Wait holds no worker: with one worker, a second execution runs to the end while the
// first waits an hour of (fake) time; the first finishes once the clock gets there.
TEST_F(WorkerPoolTest, WaitsHoldNoWorker) {
  make_pool(1, 1);
  const std::string waiting = submit(Json::parse(R"({"StartAt": "W", "States": {
      "W": {"Type": "Wait", "Seconds": 3600, "End": true}}})"),
                                     Json::object());
  ASSERT_TRUE(eventually([&] { return pool_->waiting() == 1; }));
  const std::string quick = submit(Json::parse(R"({"StartAt": "P", "States": {
      "P": {"Type": "Pass", "End": true}}})"),
                                   Json::object());
  ASSERT_TRUE(wait_finished(quick));
  EXPECT_EQ(status_of(quick), "SUCCEEDED");
  EXPECT_EQ(status_of(waiting), "RUNNING");
  clock_.advance(seconds(3600));
  pool_->wake();
  ASSERT_TRUE(wait_finished(waiting));
  EXPECT_EQ(status_of(waiting), "SUCCEEDED");
}

// Two recoveries whose homes never appear hold neither the one worker nor the one slot of
// their volume: a third, whose home exists, copies and finishes while they wait.
TEST_F(WorkerPoolTest, AwaitingHomesHoldNoWorkerAndNoVolumeSlot) {
  make_pool(1, 1);
  std::ofstream(dir_ + "/release") << "go\n";  // copies finish at once
  const std::string a = submit(await_then_copy(), recovery_input(dir_ + "/never-a", "home"));
  const std::string b = submit(await_then_copy(), recovery_input(dir_ + "/never-b", "home"));
  ASSERT_TRUE(eventually([&] { return pool_->waiting() == 2; }));
  std::filesystem::create_directory(dir_ + "/exists");
  const std::string c = submit(await_then_copy(), recovery_input(dir_ + "/exists", "home"));
  ASSERT_TRUE(wait_finished(c));
  EXPECT_EQ(status_of(c), "SUCCEEDED");
  EXPECT_EQ(status_of(a), "RUNNING");
  EXPECT_EQ(status_of(b), "RUNNING");
  EXPECT_EQ(lines(dir_ + "/copies.txt"), 1);
  // One home appears: its recovery looks again on the next poll and copies.
  std::filesystem::create_directory(dir_ + "/never-a");
  clock_.advance(seconds(5));
  pool_->wake();
  ASSERT_TRUE(wait_finished(a));
  EXPECT_EQ(status_of(a), "SUCCEEDED");
  EXPECT_EQ(status_of(b), "RUNNING");
}

// The slot is taken for the copy itself: a second copy into the same volume waits for it,
// parked (not on a worker), and runs when the first copy ends; another volume is free.
TEST_F(WorkerPoolTest, CopiesIntoOneVolumeTakeTurns) {
  make_pool(3, 1);
  std::filesystem::create_directories(dir_ + "/h1");
  std::filesystem::create_directories(dir_ + "/h2");
  std::filesystem::create_directories(dir_ + "/h3");
  const std::string first = submit(await_then_copy(), recovery_input(dir_ + "/h1", "home"));
  ASSERT_TRUE(eventually([&] { return lines(dir_ + "/copies.txt") == 1; }));
  const std::string second = submit(await_then_copy(), recovery_input(dir_ + "/h2", "home"));
  ASSERT_TRUE(eventually([&] { return pool_->parked() == 1; }));
  const std::string other = submit(await_then_copy(), recovery_input(dir_ + "/h3", "home2"));
  ASSERT_TRUE(eventually([&] { return lines(dir_ + "/copies.txt") == 2; }));  // other volume
  EXPECT_EQ(pool_->parked(), 1u);
  std::ofstream(dir_ + "/release") << "go\n";
  ASSERT_TRUE(wait_finished(first));
  ASSERT_TRUE(wait_finished(second));
  ASSERT_TRUE(wait_finished(other));
  for (const auto& id : {first, second, other}) EXPECT_EQ(status_of(id), "SUCCEEDED");
  EXPECT_EQ(lines(dir_ + "/copies.txt"), 3);
  EXPECT_EQ(pool_->in_flight(), 0u);
}

// Stopping the pool leaves a waiting recovery in the store; a new pool (a daemon restart)
// resumes it where it was.
TEST_F(WorkerPoolTest, ARestartResumesWaitingExecutions) {
  make_pool(1, 1);
  std::ofstream(dir_ + "/release") << "go\n";
  const std::string id = submit(await_then_copy(), recovery_input(dir_ + "/later", "home"));
  ASSERT_TRUE(eventually([&] { return pool_->waiting() == 1; }));
  pool_->stop();
  pool_.reset();
  EXPECT_EQ(status_of(id), "RUNNING");
  // The new pool finds it in the store when it is due (its due time is there, not in the
  // old pool's memory).
  make_pool(1, 1);
  std::filesystem::create_directory(dir_ + "/later");
  clock_.advance(seconds(5));
  pool_->wake();
  ASSERT_TRUE(wait_finished(id));
  EXPECT_EQ(status_of(id), "SUCCEEDED");
}

// Two daemons on one store share the work and the volume's copy slots: with one slot, the
// second copy into the volume waits, parked by whichever daemon claimed it, until the first
// ends; both run to the end, each exactly once.
TEST_F(WorkerPoolTest, TwoDaemonsShareTheWorkAndTheVolumeSlots) {
  auto a = new_pool(2, 1, "node-a");
  auto b = new_pool(2, 1, "node-b");
  std::filesystem::create_directories(dir_ + "/h1");
  std::filesystem::create_directories(dir_ + "/h2");
  const std::string first = submit_to(*a, await_then_copy(), recovery_input(dir_ + "/h1", "home"));
  ASSERT_TRUE(eventually([&] { return lines(dir_ + "/copies.txt") == 1; }));
  const std::string second = submit_to(*b, await_then_copy(), recovery_input(dir_ + "/h2", "home"));
  ASSERT_TRUE(eventually([&] { return a->parked() + b->parked() >= 1; }));
  EXPECT_EQ(lines(dir_ + "/copies.txt"), 1);
  std::ofstream(dir_ + "/release") << "go\n";
  ASSERT_TRUE(wait_finished(first));
  // A slot freed by another daemon is noticed when the parked tree is due again.
  clock_.advance(LeaseSettings{}.park_retry);
  a->wake();
  b->wake();
  ASSERT_TRUE(wait_finished(second));
  EXPECT_EQ(status_of(first), "SUCCEEDED");
  EXPECT_EQ(status_of(second), "SUCCEEDED");
  EXPECT_EQ(lines(dir_ + "/copies.txt"), 2);
}

// A tree whose lease another daemon holds is not run until that lease expires; then this
// pool takes it over and finishes it.
TEST_F(WorkerPoolTest, AnExpiredLeaseIsTakenOver) {
  std::ofstream(dir_ + "/release") << "go\n";
  std::filesystem::create_directories(dir_ + "/h");
  auto id = starter_->executor().start(await_then_copy(), recovery_input(dir_ + "/h", "home"), "",
                                       "", /*queue_here=*/false);
  ASSERT_TRUE(id.is_ok());
  store::ExecutionLeases leases(*store_);
  auto dead = leases.claim(*id, "dead-node", clock_.now(), std::chrono::seconds(30));
  ASSERT_TRUE(dead.is_ok() && dead->has_value());
  make_pool(1, 1);
  // The pool looks (a poke and a few polls) and finds nothing it may take.
  for (int i = 0; i < 3; ++i) {
    pool_->wake();
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
  EXPECT_EQ(status_of(*id), "RUNNING");
  EXPECT_EQ(lines(dir_ + "/copies.txt"), 0);
  clock_.advance(seconds(30));
  pool_->wake();
  ASSERT_TRUE(wait_finished(*id));
  EXPECT_EQ(status_of(*id), "SUCCEEDED");
  EXPECT_EQ(lines(dir_ + "/copies.txt"), 1);
}

}  // namespace
}  // namespace lifeboat::server

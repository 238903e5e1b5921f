// Execution leases, fencing, copy slots and named leases (execution_leases.h), on every
// store backend: a lease is what keeps two daemons from running one step twice.
#include "store/execution_leases.h"

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "store/open_store.h"
#include "store/sql_execution_store.h"
#include "store/store_test_factories.h"

namespace lifeboat::store {
namespace {

using core::StatusCode;
using std::chrono::milliseconds;
using std::chrono::seconds;

template <typename Factory>
class ExecutionLeasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = factory_.open();
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    executions_ = std::make_unique<SqlExecutionStore>(*store_);
    leases_ = std::make_unique<ExecutionLeases>(*store_);
  }

  // Records a RUNNING execution (a child when `parent` is given).
  void create(const std::string& id, const std::string& parent = "") {
    ExecutionRecord r;
    r.id = id;
    r.name = id;
    r.parent_id = parent;
    r.definition = "{}";
    r.input = "{}";
    r.cursor = "{}";
    r.start_time = clock_.now();
    ExecutionWrite w;
    w.creates.push_back(r);
    ASSERT_TRUE(executions_->write(w).is_ok());
  }
  // A step of execution `id` under `fence` at the clock's time: one event appended.
  core::Status step(const std::string& id, const LeaseFence& fence) {
    ExecutionWrite w;
    w.events.push_back({id, 0, 0, "Step", "2026-01-01T00:00:00.000Z", "{}"});
    w.fence = fence;
    w.fence_time = clock_.now();
    return executions_->write(w);
  }
  std::size_t events_of(const std::string& id) { return executions_->list_events(id)->size(); }
  std::vector<ExecutionLease> claim_due(const std::string& owner, int limit = 10) {
    auto got = leases_->claim_due(owner, clock_.now(), kTtl, limit);
    EXPECT_TRUE(got.is_ok()) << got.status().to_string();
    return got.is_ok() ? *got : std::vector<ExecutionLease>{};
  }

  static constexpr milliseconds kTtl{30000};
  Factory factory_;
  core::FakeClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SqlExecutionStore> executions_;
  std::unique_ptr<ExecutionLeases> leases_;
};

using LeaseStoreTypes = ::testing::Types<SqliteFactory, PostgresFactory>;
TYPED_TEST_SUITE(ExecutionLeasesTest, LeaseStoreTypes, FactoryNames);

TYPED_TEST(ExecutionLeasesTest, ClaimsDueTopLevelExecutionsOnceUntilTheLeaseExpires) {
  this->create("root");
  this->create("child", "root");
  auto a = this->claim_due("a");
  ASSERT_EQ(a.size(), 1u);  // the child is covered by its root's lease
  EXPECT_EQ(a[0].execution_id, "root");
  EXPECT_EQ(a[0].owner, "a");
  EXPECT_TRUE(this->claim_due("b").empty());
  this->clock_.advance(this->kTtl - milliseconds(1));
  EXPECT_TRUE(this->claim_due("b").empty());
  this->clock_.advance(milliseconds(1));
  auto b = this->claim_due("b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].token, a[0].token + 1);  // a take-over moves the token on
  auto held = this->leases_->held(this->clock_.now());
  ASSERT_TRUE(held.is_ok());
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].owner, "b");
}

TYPED_TEST(ExecutionLeasesTest, AStepCommitsOnlyUnderTheLeaseThatHolds) {
  this->create("root");
  auto a = this->claim_due("a");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_TRUE(this->step("root", a[0].fence()).is_ok());
  EXPECT_EQ(this->events_of("root"), 1u);
  // Past its expiry a's lease holds no more, taken over or not.
  this->clock_.advance(this->kTtl);
  auto late = this->step("root", a[0].fence());
  EXPECT_EQ(late.code(), StatusCode::kFailedPrecondition) << late.to_string();
  EXPECT_NE(late.message().find("lost"), std::string::npos) << late.message();
  auto b = this->claim_due("b");
  ASSERT_EQ(b.size(), 1u);
  // a's fence with a's old token never matches again, whatever a's clock says.
  this->clock_.set_now(this->clock_.now() - this->kTtl);
  EXPECT_FALSE(this->step("root", a[0].fence()).is_ok());
  EXPECT_EQ(this->events_of("root"), 1u);  // nothing of a's late steps was written
  EXPECT_TRUE(this->step("root", b[0].fence()).is_ok());
  EXPECT_EQ(this->events_of("root"), 2u);
  // Each event names the lease it was committed under: who ran the step.
  auto events = this->executions_->list_events("root").value();
  EXPECT_EQ(events[0].lease_owner, "a");
  EXPECT_EQ(events[0].lease_token, a[0].token);
  EXPECT_EQ(events[1].lease_owner, "b");
  EXPECT_EQ(events[1].lease_token, b[0].token);
  // An unfenced write (a CLI stop) still works: it is fenced by the row's version instead.
  ExecutionWrite w;
  w.events.push_back({"root", 0, 0, "Stop", "2026-01-01T00:00:00.000Z", "{}"});
  EXPECT_TRUE(this->executions_->write(w).is_ok());
}

TYPED_TEST(ExecutionLeasesTest, RenewalExtendsAHeldLeaseAndReportsALostOne) {
  this->create("one");
  this->create("two");
  auto a = this->claim_due("a");
  ASSERT_EQ(a.size(), 2u);
  this->clock_.advance(seconds(20));
  auto lost = this->leases_->renew({a[0].fence()}, this->clock_.now(), this->kTtl);
  ASSERT_TRUE(lost.is_ok());
  EXPECT_TRUE(lost->empty());
  this->clock_.advance(seconds(20));  // a[0] renewed to 50 s; a[1] expired at 30 s
  auto b = this->claim_due("b");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].execution_id, a[1].execution_id);
  lost = this->leases_->renew({a[0].fence(), a[1].fence()}, this->clock_.now(), this->kTtl);
  ASSERT_TRUE(lost.is_ok());
  EXPECT_EQ(*lost, std::vector<std::string>{a[1].execution_id});
}

TYPED_TEST(ExecutionLeasesTest, ReleaseRecordsWhenTheTreeIsDueAgain) {
  this->create("waits");
  auto a = this->claim_due("a");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_TRUE(this->leases_->release(a[0].fence(), this->clock_.now() + seconds(60)).is_ok());
  EXPECT_TRUE(this->claim_due("b").empty());  // free, but not due
  EXPECT_TRUE(this->leases_->held(this->clock_.now())->empty());
  this->clock_.advance(seconds(60));
  auto b = this->claim_due("b");
  ASSERT_EQ(b.size(), 1u);
  // Releasing a lease that is gone changes nothing.
  EXPECT_TRUE(this->leases_->release(a[0].fence(), std::nullopt).is_ok());
  EXPECT_EQ(this->leases_->held(this->clock_.now())->size(), 1u);
  // make_due brings a waiting tree forward.
  ASSERT_TRUE(this->leases_->release(b[0].fence(), this->clock_.now() + seconds(3600)).is_ok());
  EXPECT_TRUE(this->claim_due("c").empty());
  ASSERT_TRUE(this->leases_->make_due("waits").is_ok());
  EXPECT_EQ(this->claim_due("c").size(), 1u);
}

TYPED_TEST(ExecutionLeasesTest, ARestartedOwnerTakesItsLeasesBackAndFencesItsOldSelf) {
  this->create("root");
  auto old_run = this->claim_due("node-1");
  ASSERT_EQ(old_run.size(), 1u);
  auto n = this->leases_->expire_owned_by("node-1");
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(this->step("root", old_run[0].fence()).is_ok());
  auto new_run = this->claim_due("node-1");
  ASSERT_EQ(new_run.size(), 1u);
  EXPECT_GT(new_run[0].token, old_run[0].token + 1);
  EXPECT_TRUE(this->step("root", new_run[0].fence()).is_ok());
}

TYPED_TEST(ExecutionLeasesTest, ClaimingOneExecutionRespectsAnotherOwnersLease) {
  this->create("root");
  this->create("child", "root");
  auto cli = this->leases_->claim("root", "cli", this->clock_.now(), this->kTtl);
  ASSERT_TRUE(cli.is_ok());
  ASSERT_TRUE(cli->has_value());
  EXPECT_TRUE(this->claim_due("daemon").empty());
  auto again = this->leases_->claim("root", "other", this->clock_.now(), this->kTtl);
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->has_value());
  auto child = this->leases_->claim("child", "other", this->clock_.now(), this->kTtl);
  ASSERT_TRUE(child.is_ok());
  EXPECT_FALSE(child->has_value());  // children go with their root
}

TYPED_TEST(ExecutionLeasesTest, CopySlotsOfAVolumeHoldAcrossOwners) {
  this->create("one");
  this->create("two");
  this->create("three");
  auto a = this->claim_due("a", 1);
  auto b = this->claim_due("b", 1);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  auto now = this->clock_.now();
  EXPECT_TRUE(*this->leases_->take_copy_slot(a[0].fence(), "vol", 1, now));
  EXPECT_TRUE(*this->leases_->take_copy_slot(a[0].fence(), "vol", 1, now));  // kept
  EXPECT_FALSE(*this->leases_->take_copy_slot(b[0].fence(), "vol", 1, now));
  EXPECT_TRUE(*this->leases_->take_copy_slot(b[0].fence(), "other-vol", 1, now));
  ASSERT_TRUE(this->leases_->release_copy_slot(a[0].fence()).is_ok());
  EXPECT_TRUE(*this->leases_->take_copy_slot(b[0].fence(), "vol", 1, now));
  // A slot whose lease expired is free: its daemon is gone.
  this->clock_.advance(this->kTtl);
  auto c = this->claim_due("c", 1);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(*this->leases_->take_copy_slot(c[0].fence(), "vol", 1, this->clock_.now()));
  // A lost lease takes no slot.
  auto refused = this->leases_->take_copy_slot(a[0].fence(), "vol", 5, this->clock_.now());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
}

TYPED_TEST(ExecutionLeasesTest, ANamedLeaseHasOneHolderAtATime) {
  auto& leases = *this->leases_;
  auto now = [&] { return this->clock_.now(); };
  auto a = leases.acquire_named("dispatcher", "a", now(), this->kTtl);
  ASSERT_TRUE(a.is_ok());
  ASSERT_TRUE(a->has_value());
  EXPECT_FALSE(leases.acquire_named("dispatcher", "b", now(), this->kTtl)->has_value());
  this->clock_.advance(seconds(20));
  EXPECT_EQ(*leases.acquire_named("dispatcher", "a", now(), this->kTtl), **a);  // renewed
  this->clock_.advance(seconds(20));
  EXPECT_FALSE(leases.acquire_named("dispatcher", "b", now(), this->kTtl)->has_value());
  this->clock_.advance(seconds(10));
  auto b = leases.acquire_named("dispatcher", "b", now(), this->kTtl);
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ(**b, **a + 1);
  EXPECT_FALSE(leases.acquire_named("dispatcher", "a", now(), this->kTtl)->has_value());
  ASSERT_TRUE(leases.release_named("dispatcher", "a").is_ok());  // not a's: no effect
  EXPECT_FALSE(leases.acquire_named("dispatcher", "a", now(), this->kTtl)->has_value());
  ASSERT_TRUE(leases.release_named("dispatcher", "b").is_ok());
  EXPECT_TRUE(leases.acquire_named("dispatcher", "a", now(), this->kTtl)->has_value());
  auto named = leases.named();
  ASSERT_TRUE(named.is_ok());
  ASSERT_EQ(named->size(), 1u);
  EXPECT_EQ((*named)[0].owner, "a");
}

}  // namespace
}  // namespace lifeboat::store

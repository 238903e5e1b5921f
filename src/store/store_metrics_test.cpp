// Conformance of read_store_metrics on SQLite and PostgreSQL: every figure against rows the
// test wrote, and the windows' edges.
#include "store/store_metrics.h"

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "store/sql_execution_store.h"
#include "store/store_test_factories.h"

namespace lifeboat::store {
namespace {

using core::Status;
using WallTime = core::Clock::WallTime;

WallTime at(const std::string& text) { return core::parse_rfc3339(text).value(); }

const WallTime kNow = at("2026-11-30T12:30:00.000Z");

template <typename Factory>
class StoreMetricsConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = factory_.open();
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    executions_ = std::make_unique<SqlExecutionStore>(*store_);
  }

  void execution(const std::string& id, ExecutionStatus status, std::optional<WallTime> stop_time,
                 const std::string& parent = "") {
    ExecutionRecord r;
    r.id = id;
    r.name = id;
    r.parent_id = parent;
    r.definition = "{}";
    r.input = "{}";
    r.cursor = "{}";
    r.status = status;
    r.start_time = at("2026-11-01T00:00:00.000Z");
    r.stop_time = stop_time;
    ExecutionWrite w;
    w.creates.push_back(r);
    Status st = executions_->write(w);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }

  void profile(const std::string& name, core::ProfileStatus status, bool replication) {
    core::Profile p;
    p.key = {"demo", core::ProfileKind::kUser, name};
    p.domain_id = "d-1";
    p.replication = replication;
    p.status = status;
    p.last_event_time = "2026-11-29T10:00:00.000Z";
    p.updated_at = "2026-11-29T10:00:01.000Z";
    Status st = store_->transact([&](StoreTransaction& t) { return t.put_profile(p); });
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }

  StoreMetrics read() {
    auto m = read_store_metrics(*store_, "recovery-dispatcher", kNow);
    EXPECT_TRUE(m.is_ok()) << m.status().to_string();
    return m.is_ok() ? *m : StoreMetrics{};
  }

  Factory factory_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SqlExecutionStore> executions_;
};

using StoreMetricsTypes = ::testing::Types<SqliteFactory, PostgresFactory>;
TYPED_TEST_SUITE(StoreMetricsConformance, StoreMetricsTypes, FactoryNames);

constexpr auto kRunning = static_cast<std::size_t>(ExecutionStatus::kRunning);
constexpr auto kSucceeded = static_cast<std::size_t>(ExecutionStatus::kSucceeded);
constexpr auto kFailed = static_cast<std::size_t>(ExecutionStatus::kFailed);
constexpr auto kAborted = static_cast<std::size_t>(ExecutionStatus::kAborted);

TYPED_TEST(StoreMetricsConformance, AnEmptyStoreReadsAsZeros) {
  StoreMetrics m = this->read();
  EXPECT_EQ(m.executions, (ExecutionCounts{0, 0, 0, 0}));
  EXPECT_EQ(m.dead_letters_pending, 0);
  EXPECT_EQ(m.profiles.total(), 0);
  EXPECT_EQ(m.transfers, 0);
  EXPECT_EQ(m.bytes_transferred, 0);
  EXPECT_EQ(m.change_lag(), 0);
  ASSERT_EQ(m.by_hour.size(), 24u);
  EXPECT_EQ(m.by_hour.front().hour, at("2026-11-29T13:00:00.000Z"));
  EXPECT_EQ(m.by_hour.back().hour, at("2026-11-30T12:00:00.000Z"));
}

TYPED_TEST(StoreMetricsConformance, CountsTopLevelExecutionsByStatusAndWindow) {
  this->execution("run", ExecutionStatus::kRunning, std::nullopt);
  this->execution("ok-now", ExecutionStatus::kSucceeded, at("2026-11-30T12:10:00.000Z"));
  this->execution("ok-2h", ExecutionStatus::kSucceeded, at("2026-11-30T10:59:59.999Z"));
  this->execution("fail-23h", ExecutionStatus::kFailed, at("2026-11-29T13:30:00.000Z"));
  this->execution("fail-25h", ExecutionStatus::kFailed, at("2026-11-29T11:30:00.000Z"));
  this->execution("abort-6d", ExecutionStatus::kAborted, at("2026-11-24T13:00:00.000Z"));
  this->execution("ok-8d", ExecutionStatus::kSucceeded, at("2026-11-22T12:00:00.000Z"));
  // A child (Parallel branch, Map iteration) is part of its parent's recovery: not counted.
  this->execution("child", ExecutionStatus::kFailed, at("2026-11-30T12:00:00.000Z"), "ok-now");

  StoreMetrics m = this->read();
  EXPECT_EQ(m.executions, (ExecutionCounts{1, 3, 2, 1}));
  EXPECT_EQ(m.finished_last_24h[kSucceeded], 2);
  EXPECT_EQ(m.finished_last_24h[kFailed], 1);
  EXPECT_EQ(m.finished_last_24h[kAborted], 0);
  EXPECT_EQ(m.finished_last_24h[kRunning], 0);
  EXPECT_EQ(m.finished_last_7d[kSucceeded], 2);
  EXPECT_EQ(m.finished_last_7d[kFailed], 2);
  EXPECT_EQ(m.finished_last_7d[kAborted], 1);

  ASSERT_EQ(m.by_hour.size(), 24u);
  EXPECT_EQ(m.by_hour[23].counts[kSucceeded], 1);  // 12:00 hour
  EXPECT_EQ(m.by_hour[21].counts[kSucceeded], 1);  // 10:00 hour
  EXPECT_EQ(m.by_hour[0].counts[kFailed], 1);      // 2026-11-29T13:00
  std::int64_t total = 0;
  for (const auto& h : m.by_hour)
    for (auto n : h.counts) total += n;
  EXPECT_EQ(total, 3);
}

TYPED_TEST(StoreMetricsConformance, CountsProfilesByStatusAndReplication) {
  this->profile("a", core::ProfileStatus::kActive, true);
  this->profile("b", core::ProfileStatus::kActive, true);
  this->profile("c", core::ProfileStatus::kActive, false);
  this->profile("d", core::ProfileStatus::kPending, true);
  this->profile("e", core::ProfileStatus::kDeleted, false);
  StoreMetrics m = this->read();
  EXPECT_EQ(m.profiles.active_replicating, 2);
  EXPECT_EQ(m.profiles.active_opted_out, 1);
  EXPECT_EQ(m.profiles.pending_replicating, 1);
  EXPECT_EQ(m.profiles.pending_opted_out, 0);
  EXPECT_EQ(m.profiles.deleted_opted_out, 1);
  EXPECT_EQ(m.profiles.total(), 5);
}

TYPED_TEST(StoreMetricsConformance, PendingDeadLettersTransfersAndStreamLag) {
  for (const std::string id : {"x1", "x2", "x3"}) {
    DeadLetter d;
    d.id = "dl-" + id;
    d.execution_id = id;
    d.created_at = "2026-11-30T00:00:00.000Z";
    d.payload = "{}";
    ASSERT_TRUE(this->executions_->add_dead_letter(d).is_ok());
  }
  ASSERT_TRUE(this->executions_->mark_redriven("dl-x1", "again").is_ok());

  Status st = this->store_->transact([&](StoreTransaction& t) -> Status {
    for (int i = 0; i < 2; ++i) {
      TransferRecord r;
      r.key = {"demo", core::ProfileKind::kUser, "u" + std::to_string(i)};
      r.result =
          core::ReplicationResult{"SUCCESS", 5, 3000000000LL, 7, 10, "exec-" + std::to_string(i)};
      r.recorded_at = "2026-11-30T00:00:00.000Z";
      LIFEBOAT_RETURN_IF_ERROR(t.append_transfer(r).status());
    }
    for (int i = 0; i < 5; ++i) {
      Change c;
      c.event_id = "ev" + std::to_string(i);
      c.key = {"demo", core::ProfileKind::kUser, "u"};
      c.op = ChangeOp::kRemove;
      c.created_at = "2026-11-30T00:00:00.000Z";
      LIFEBOAT_RETURN_IF_ERROR(t.append_change(c).status());
    }
    return t.set_consumer_checkpoint("recovery-dispatcher", 3);
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();

  StoreMetrics m = this->read();
  EXPECT_EQ(m.dead_letters_pending, 2);
  EXPECT_EQ(m.transfers, 2);
  EXPECT_EQ(m.bytes_transferred, 6000000000LL);  // past 32 bits on both backends
  EXPECT_EQ(m.files_transferred, 14);
  EXPECT_EQ(m.last_change, 5);
  EXPECT_EQ(m.consumer_checkpoint, 3);
  EXPECT_EQ(m.change_lag(), 2);
}

}  // namespace
}  // namespace lifeboat::store

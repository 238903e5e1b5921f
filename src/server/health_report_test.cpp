#include "server/health_report.h"

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "server/timed_store.h"
#include "store/open_store.h"
#include "testing/temp_dir.h"

namespace lifeboat::server {
namespace {

class HealthReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.set_now(core::parse_rfc3339("2026-11-30T12:30:00.000Z").value());
    auto opened = store::open_store(store::sqlite_url_for_data_dir(tmp_.path()));
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::make_unique<TimedStore>(std::move(opened).value(), metrics_.store_reads(),
                                          metrics_.store_writes(), clock_);
    HealthSources sources;
    sources.node = "host-a";
    sources.version = "9.9";
    sources.started_at = clock_.now() - std::chrono::seconds(90);
    sources.workers = 3;
    sources.workers_busy = [] { return std::int64_t{2}; };
    report_ = std::make_unique<HealthReport>(*store_, clock_, metrics_, sources);
  }

  std::uint64_t store_reads() { return metrics_.store_reads().snapshot().count; }

  lifeboat::testing::TempDir tmp_{"lifeboat-health"};
  core::FakeClock clock_;
  DaemonMetrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<HealthReport> report_;
};

TEST_F(HealthReportTest, StatusFollowsTheContract) {
  core::Json s = report_->status();
  EXPECT_EQ(s["node"], "host-a");
  EXPECT_EQ(s["version"], "9.9");
  EXPECT_EQ(s["uptimeSeconds"], 90);
  EXPECT_EQ(s["startedAt"], "2026-11-30T12:28:30.000Z");
  EXPECT_EQ(s["ready"], true);
  EXPECT_EQ(s["store"], "ok");
  EXPECT_EQ(s["workers"], (core::Json{{"total", 3}, {"busy", 2}}));
  EXPECT_TRUE(s["lastReconcile"].is_null());
  EXPECT_EQ(s["dispatcher"], false);
  EXPECT_EQ(s["profiles"]["total"], 0);
  EXPECT_EQ(s["recoveries"]["last7d"], (core::Json{{"succeeded", 0}, {"failed", 0}, {"other", 0}}));
  ASSERT_EQ(s["recoveriesByHour"].size(), 24u);
  EXPECT_EQ(s["recoveriesByHour"][0]["hour"], "2026-11-29T13:00:00.000Z");
  EXPECT_EQ(s["recoveriesByHour"][23]["hour"], "2026-11-30T12:00:00.000Z");
  EXPECT_EQ(s["attention"], core::Json::array());
}

TEST_F(HealthReportTest, TheStoreIsReadAtMostOnceASecondHoweverManyAsk) {
  (void)report_->status();
  const auto after_first = store_reads();
  EXPECT_GT(after_first, 0u);
  for (int i = 0; i < 50; ++i) {
    (void)report_->status();
    (void)report_->metrics_text();
  }
  EXPECT_EQ(store_reads(), after_first);
  clock_.advance(std::chrono::milliseconds(1001));
  (void)report_->metrics_text();
  EXPECT_GT(store_reads(), after_first);
}

TEST_F(HealthReportTest, ChangesWaitingWithoutADispatcherNeedAttention) {
  ASSERT_TRUE(store_
                  ->transact([](store::StoreTransaction& t) -> core::Status {
                    store::Change c;
                    c.event_id = "ev";
                    c.key = {"demo", core::ProfileKind::kUser, "u"};
                    c.op = store::ChangeOp::kRemove;
                    c.created_at = "2026-11-30T00:00:00.000Z";
                    return t.append_change(c).status();
                  })
                  .is_ok());
  core::Json s = report_->status();
  EXPECT_EQ(s["streamLag"], 1);
  EXPECT_EQ(s["dispatcherHeld"], false);
  ASSERT_EQ(s["attention"].size(), 1u) << s.dump();
  EXPECT_EQ(s["attention"][0],
            "1 change is not dispatched and no daemon holds the dispatcher lease");
}

}  // namespace
}  // namespace lifeboat::server

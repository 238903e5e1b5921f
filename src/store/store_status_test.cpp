#include "store/store_status.h"

#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/schema_migrations.h"
#include "store/sql_execution_store.h"
#include "testing/temp_dir.h"

namespace lifeboat::store {
namespace {

TEST(StoreStatus, ReportsVersionsAndEveryTablesRows) {
  lifeboat::testing::TempDir tmp{"lifeboat-status"};
  auto store = open_store(sqlite_url_for_data_dir(tmp.path()));
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  ASSERT_TRUE((*store)
                  ->transact([](StoreTransaction& t) {
                    return t.put_volume({"fs-1", "/mnt/1"});
                  })
                  .is_ok());

  const auto now = core::SystemClock::instance().now();
  auto status = store_status(**store, now);
  ASSERT_TRUE(status.is_ok()) << status.status().to_string();
  EXPECT_EQ(status->url, (*store)->url());
  EXPECT_EQ(status->schema_version, latest_schema_version());
  EXPECT_EQ(status->latest_version, latest_schema_version());
  ASSERT_EQ(status->table_rows.size(), store_tables().size());
  for (std::size_t i = 0; i < store_tables().size(); ++i) {
    EXPECT_EQ(status->table_rows[i].first, store_tables()[i]);
  }

  core::Json json = store_status_to_json(*status);
  EXPECT_EQ(json["schema_version"], latest_schema_version());
  EXPECT_EQ(json["latest_schema_version"], latest_schema_version());
  EXPECT_EQ(json["tables"]["volumes"], 1);
  EXPECT_EQ(json["tables"]["counters"], static_cast<int>(seeded_counters().size()));
  EXPECT_EQ(json["tables"]["schema_migrations"], latest_schema_version());
  EXPECT_TRUE(json["execution_leases"].empty());
  EXPECT_TRUE(json["named_leases"].empty());
}

TEST(StoreStatus, ShowsWhoHoldsWhichLease) {
  lifeboat::testing::TempDir tmp{"lifeboat-status"};
  auto store = open_store(sqlite_url_for_data_dir(tmp.path()));
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  const auto now = core::SystemClock::instance().now();
  ExecutionRecord r;
  r.id = "exec-1";
  r.name = "exec-1";
  r.definition = r.input = r.cursor = "{}";
  r.start_time = now;
  ExecutionWrite w;
  w.creates.push_back(r);
  SqlExecutionStore executions(**store);
  ASSERT_TRUE(executions.write(w).is_ok());
  ExecutionLeases leases(**store);
  ASSERT_EQ(leases.claim_due("node-a", now, std::chrono::seconds(30), 5)->size(), 1u);
  ASSERT_TRUE(
      leases.acquire_named("dispatcher", "node-b", now, std::chrono::seconds(30))->has_value());

  auto status = store_status(**store, now + std::chrono::seconds(1));
  ASSERT_TRUE(status.is_ok()) << status.status().to_string();
  core::Json json = store_status_to_json(*status);
  ASSERT_EQ(json["execution_leases"].size(), 1u);
  EXPECT_EQ(json["execution_leases"][0]["execution_id"], "exec-1");
  EXPECT_EQ(json["execution_leases"][0]["owner"], "node-a");
  ASSERT_EQ(json["named_leases"].size(), 1u);
  EXPECT_EQ(json["named_leases"][0]["owner"], "node-b");
  EXPECT_EQ(json["named_leases"][0]["expired"], false);
  // Past their expiry: the execution lease is no longer held, the named one shows expired.
  status = store_status(**store, now + std::chrono::seconds(31));
  json = store_status_to_json(*status);
  EXPECT_TRUE(json["execution_leases"].empty());
  EXPECT_EQ(json["named_leases"][0]["expired"], true);
}

}  // namespace
}  // namespace lifeboat::store

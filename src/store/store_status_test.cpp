#include "store/store_status.h"

#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/schema_migrations.h"
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

  auto status = store_status(**store);
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
}

}  // namespace
}  // namespace lifeboat::store

// A recorded replication result lands on the profile row and in the transfers table, in
// one transaction; recording the same execution's result twice leaves one transfer row.
#include <stdlib.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "platform/local_platform_directory.h"
#include "registry/registry.h"
#include "store/sqlite_store.h"
#include "store/transfer_log.h"
#include "testing/temp_dir.h"

namespace lifeboat::registry {
namespace {

TEST(RegistryTransfers, RecordResultAppendsOneTransferPerExecution) {
  const lifeboat::testing::TempDir dir("lifeboat-transfers");
  core::FakeClock clock;
  platform::LocalPlatformDirectory platform;
  {
    auto store = store::SqliteStore::open(dir / "lifeboat.db", {.clock = &clock});
    ASSERT_TRUE(store.is_ok()) << store.status().to_string();
    Registry registry(**store, platform, clock);
    core::ProfileEvent e;
    e.id = "e1";
    e.type = core::EventType::kCreateSpace;
    e.time = *core::parse_rfc3339("2026-11-29T10:00:00Z");
    e.domain_id = "d-1";
    e.domain_name = "demo";
    e.profile_name = "space1";
    e.home = core::HomeLocation{"home", "200009"};
    ASSERT_TRUE(registry.apply(e).is_ok());
    core::ProfileKey key{"demo", core::ProfileKind::kSpace, "space1"};
    core::ReplicationResult r{"SUCCESS", 100, 120, 3, 42, "recovery-7"};
    ASSERT_TRUE(registry.record_result(key, r).is_ok());
    ASSERT_TRUE(registry.record_result(key, r).is_ok());  // a re-run task
    r.execution_id = "recovery-9";
    r.bytes_written = 5;
    ASSERT_TRUE(registry.record_result(key, r).is_ok());
    // Unknown profile: nothing recorded.
    EXPECT_EQ(
        registry.record_result({"demo", core::ProfileKind::kUser, "space1"}, r).status().code(),
        core::StatusCode::kNotFound);

    std::vector<store::TransferRecord> transfers;
    ASSERT_TRUE((*store)
                    ->read([&](store::StoreTransaction& t) -> core::Status {
                      LIFEBOAT_ASSIGN_OR_RETURN(transfers, t.list_transfers(100));
                      return core::Status::ok();
                    })
                    .is_ok());
    ASSERT_EQ(transfers.size(), 2u);
    EXPECT_EQ(transfers[0].result.execution_id, "recovery-9");  // newest first
    EXPECT_EQ(transfers[0].result.bytes_written, 5);
    EXPECT_EQ(transfers[1].result.execution_id, "recovery-7");
    EXPECT_EQ(transfers[1].key, key);
    auto j = store::transfer_to_json(transfers[1]);
    EXPECT_EQ(j["space_name"], "space1");
    EXPECT_EQ(j["files_transferred"], 3);
    EXPECT_EQ(j["replication_status"], "SUCCESS");
  }
}

}  // namespace
}  // namespace lifeboat::registry

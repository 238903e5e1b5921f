// TransferLog: the `transfers` table — one row per recorded replication result (the
// reference design's DataSync task-execution history), written in the same transaction
// as the result on the profile row (Registry::record_result). Functions over a
// SqlSession, so every SQL store shares them; they are the store's implementation of
// StoreTransaction's methods of the same names, which are what code above the store
// module calls.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/profile.h"
#include "core/result.h"
#include "store/list_queries.h"
#include "store/page.h"
#include "store/sql_session.h"

namespace lifeboat::store {

//! Migration 3 (listed in schema_migrations.cpp).
extern const std::string_view kTransfersMigrationSql;

struct TransferRecord {
  std::int64_t seq = 0;  //!< assigned by append_transfer
  core::ProfileKey key;  //!< the profile whose home was written
  core::ReplicationResult result;
  std::string recorded_at;  //!< RFC 3339

  bool operator==(const TransferRecord&) const = default;
};

//! Appends `record` (seq is assigned and returned). Recording the same execution's
//! result again replaces its row, so a re-run task leaves one row.
core::Result<std::int64_t> append_transfer(SqlSession& sql, const TransferRecord& record);

//! The newest `limit` transfers, newest first.
core::Result<std::vector<TransferRecord>> list_transfers(SqlSession& sql, std::int64_t limit);

//! One page of the transfers matching `query`, newest first.
core::Result<Page<TransferRecord>> list_transfers_page(SqlSession& sql, const TransferQuery& query,
                                                       const PageRequest& page);

//! A transfer as users see it (reference column names where they exist).
core::Json transfer_to_json(const TransferRecord& record);

}  // namespace lifeboat::store

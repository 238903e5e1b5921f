#include "store/store_status.h"

#include "core/time_format.h"
#include "store/schema_migrations.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {

core::Result<StoreStatus> store_status(Store& store, core::Clock::WallTime now) {
  StoreStatus status;
  status.url = store.url();
  status.latest_version = latest_schema_version();
  // Version and counts from one snapshot, so they describe the same moment.
  LIFEBOAT_RETURN_IF_ERROR(store.read([&](StoreTransaction& txn) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto rows, session_of(txn).query("SELECT MAX(version) FROM schema_migrations", {}));
    status.schema_version = rows.empty() ? 0 : static_cast<int>(rows.front().integer(0));
    LIFEBOAT_ASSIGN_OR_RETURN(status.table_rows, txn.table_row_counts());
    return core::Status::ok();
  }));
  ExecutionLeases leases(store);
  status.now = now;
  LIFEBOAT_ASSIGN_OR_RETURN(status.execution_leases, leases.held(now));
  LIFEBOAT_ASSIGN_OR_RETURN(status.named_leases, leases.named());
  return status;
}

core::Json store_status_to_json(const StoreStatus& status) {
  core::Json tables = core::Json::object();
  for (const auto& [table, rows] : status.table_rows) tables[table] = rows;
  core::Json executions = core::Json::array();
  for (const auto& l : status.execution_leases) {
    executions.push_back({{"execution_id", l.execution_id},
                          {"owner", l.owner},
                          {"token", l.token},
                          {"expires_at", core::format_rfc3339(l.expires_at)},
                          {"copy_volume", l.copy_volume}});
  }
  core::Json named = core::Json::array();
  for (const auto& l : status.named_leases) {
    named.push_back({{"name", l.name},
                     {"owner", l.owner},
                     {"token", l.token},
                     {"expires_at", core::format_rfc3339(l.expires_at)},
                     {"expired", l.expires_at <= status.now}});
  }
  return core::Json{{"url", status.url},
                    {"schema_version", status.schema_version},
                    {"latest_schema_version", status.latest_version},
                    {"tables", tables},
                    {"execution_leases", executions},
                    {"named_leases", named}};
}

}  // namespace lifeboat::store

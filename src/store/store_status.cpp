#include "store/store_status.h"

#include "store/schema_migrations.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {

core::Result<StoreStatus> store_status(Store& store) {
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
  return status;
}

core::Json store_status_to_json(const StoreStatus& status) {
  core::Json tables = core::Json::object();
  for (const auto& [table, rows] : status.table_rows) tables[table] = rows;
  return core::Json{{"url", status.url},
                    {"schema_version", status.schema_version},
                    {"latest_schema_version", status.latest_version},
                    {"tables", tables}};
}

}  // namespace lifeboat::store

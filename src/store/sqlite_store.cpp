#include "store/sqlite_store.h"

#include <exception>

#include <fmt/format.h>

#include "store/schema_migrations.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                             const SqliteStoreOptions& options) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto session, SqliteSession::open(path, options.busy_timeout_ms));
  const core::Clock& clock =
      options.clock != nullptr ? *options.clock : core::SystemClock::instance();
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(session), clock));
  std::string where = store->url();
  // Usually the schema is current: find out with a read, so that opening the store for a
  // read-only command does not queue behind other processes' writers.
  auto version = store->schema_version();
  if (version.is_ok() && *version == latest_schema_version()) return store;
  // Migrating in a write transaction: two processes opening a fresh file at once apply
  // each migration once, the second seeing the first's result.
  LIFEBOAT_RETURN_IF_ERROR(store->transact(
      [&](StoreTransaction& txn) { return apply_migrations(session_of(txn), where); }));
  return store;
}

core::Status SqliteStore::run(const char* begin, const TransactionFn& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  LIFEBOAT_RETURN_IF_ERROR(session_->execute_script(begin));
  SqlStoreTransaction txn(*session_, clock_);
  core::Status st;
  try {
    st = fn(txn);
  } catch (const std::exception& e) {
    st = core::Status::internal(fmt::format("store transaction failed: {}", e.what()));
  }
  if (!st.is_ok()) {
    // The caller's error is what matters; a failed rollback leaves nothing committed.
    (void)session_->execute_script("ROLLBACK");
    return st;
  }
  core::Status committed = session_->execute_script("COMMIT");
  if (!committed.is_ok()) (void)session_->execute_script("ROLLBACK");
  return committed;
}

core::Status SqliteStore::transact(const TransactionFn& fn) { return run("BEGIN IMMEDIATE", fn); }

core::Status SqliteStore::read(const TransactionFn& fn) { return run("BEGIN", fn); }

core::Result<int> SqliteStore::schema_version() { return applied_schema_version(*this); }

}  // namespace lifeboat::store

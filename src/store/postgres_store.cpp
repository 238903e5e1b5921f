#include "store/postgres_store.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "store/postgres_url.h"
#include "store/schema_migrations.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {
namespace {

// The advisory lock migrations hold: "lifeboat" in ASCII, one key per database.
constexpr std::string_view kLockMigrations = "SELECT pg_advisory_xact_lock(7811887614280032628)";

// Writers run SERIALIZABLE so that PostgreSQL, not the callers, guarantees the result is
// that of some serial order, as SQLite's single writer does. A migration runs READ
// COMMITTED instead: its snapshot must be taken after the advisory lock is granted, so
// that the second of two processes sees the schema the first committed (at SERIALIZABLE
// the snapshot is that of the statement that waited for the lock).
const char* begin_statement(bool write, bool migrate) {
  if (migrate) return "BEGIN ISOLATION LEVEL READ COMMITTED";
  return write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
               : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
}

// A write that PostgreSQL aborted runs again holding this lock, taken before the
// transaction's snapshot (LOCK TABLE takes none). Almost every registry write takes a
// number from `counters` (sql_session.h), so without it a writer that lost once tends to
// lose again to one that keeps writing; with it, no other transaction can change a
// counter between the retry's snapshot and its own update, and retries queue in lock
// order. Plain reads are not blocked (the mode conflicts with writers of the table only),
// and first attempts do not take it, so writers that touch different rows (executions)
// still run side by side.
constexpr std::string_view kLockCounters = "LOCK TABLE counters IN SHARE ROW EXCLUSIVE MODE";

bool is_serialization_failure(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

// Random back-off before attempt `attempt` (2, 3, ...): about 5 ms doubling up to 250 ms,
// jittered so that two writers that collided do not collide again in step.
void back_off(int attempt) {
  thread_local std::mt19937 random{std::random_device{}()};
  const int base_ms = std::min(5 << std::min(attempt - 2, 6), 250);
  std::uniform_int_distribution<int> spread(base_ms / 2, base_ms + base_ms / 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(spread(random)));
}

}  // namespace

core::Result<std::unique_ptr<PostgresStore>> PostgresStore::open(
    const std::string& url, const PostgresStoreOptions& options) {
  std::string display = mask_postgres_password(url);
  LIFEBOAT_ASSIGN_OR_RETURN(auto session, PostgresSession::connect(url, display));
  const core::Clock& clock =
      options.clock != nullptr ? *options.clock : core::SystemClock::instance();
  std::unique_ptr<PostgresStore> store(
      new PostgresStore(std::move(session), clock, std::max(1, options.max_attempts)));
  // Usually the schema is current: a read finds out without taking the migration lock.
  auto version = store->schema_version();
  if (version.is_ok() && *version == latest_schema_version()) return store;
  LIFEBOAT_RETURN_IF_ERROR(store->run(Kind::kMigrate, [&](StoreTransaction& txn) {
    return apply_migrations(session_of(txn), display);
  }));
  return store;
}

core::Status PostgresStore::run_once(Kind kind, const TransactionFn& fn, bool queue_behind_writers,
                                     bool& commit_sent) {
  PostgresSession& session = *session_;
  LIFEBOAT_RETURN_IF_ERROR(
      session.execute_script(begin_statement(kind != Kind::kRead, kind == Kind::kMigrate)));
  core::Status st;
  if (kind == Kind::kMigrate) st = session.execute_script(kLockMigrations);
  if (kind == Kind::kWrite && queue_behind_writers) st = session.execute_script(kLockCounters);
  if (st.is_ok()) {
    SqlStoreTransaction txn(session, clock_);
    try {
      st = fn(txn);
    } catch (const std::exception& e) {
      st = core::Status::internal(fmt::format("store transaction failed: {}", e.what()));
    }
  }
  // After a failed statement PostgreSQL has aborted the transaction, whatever the
  // function made of the error; a COMMIT would silently roll back its writes. Say so
  // instead. (A read that got past a failed statement has nothing to lose, as on SQLite.)
  if (st.is_ok() && kind != Kind::kRead && !session.first_failure().empty()) {
    st = core::Status::internal(fmt::format(
        "store '{}': a statement of the transaction failed (SQLSTATE {}) and PostgreSQL rolled "
        "the transaction back",
        session.display(), session.first_failure()));
  }
  if (!st.is_ok()) {
    // The caller's error is what matters; a failed rollback leaves nothing committed.
    if (session.connected()) (void)session.execute_script("ROLLBACK");
    return st;
  }
  commit_sent = true;
  return session.execute_script("COMMIT");
}

core::Status PostgresStore::run(Kind kind, const TransactionFn& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  core::Status last;
  bool lost_to_another_writer = false;
  for (int attempt = 1; attempt <= max_attempts_; ++attempt) {
    if (attempt > 1) back_off(attempt);
    if (!session_->connected()) {
      LIFEBOAT_RETURN_IF_ERROR(session_->reconnect());
    }
    session_->clear_failure();
    bool commit_sent = false;
    last = run_once(kind, fn, lost_to_another_writer, commit_sent);
    if (last.is_ok()) return last;
    if (is_serialization_failure(session_->first_failure())) {
      lost_to_another_writer = true;
      continue;
    }
    if (!session_->connected()) {
      // Nothing is committed until COMMIT answers, so a transaction cut off before it can
      // run again on a new connection; one cut off during it may or may not have landed.
      if (!commit_sent) continue;
      return core::Status::unavailable(fmt::format(
          "store '{}': the connection broke during COMMIT, so the transaction may or may not "
          "have been committed: {}",
          session_->display(), last.message()));
    }
    return last;
  }
  return core::Status::unavailable(fmt::format(
      "store '{}': the transaction failed {} times because other writers changed the same "
      "data at the same time (or the connection kept breaking); retry later. Last error: {}",
      session_->display(), max_attempts_, last.message()));
}

core::Status PostgresStore::transact(const TransactionFn& fn) { return run(Kind::kWrite, fn); }

core::Status PostgresStore::read(const TransactionFn& fn) { return run(Kind::kRead, fn); }

core::Result<int> PostgresStore::schema_version() { return applied_schema_version(*this); }

}  // namespace lifeboat::store

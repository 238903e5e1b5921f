// PostgresStore: the Store in a PostgreSQL database (`--store postgresql://...`).
//
// The URL is handed to libpq as given, so everything libpq understands works: host, port,
// database, user, `?sslmode=...`, a Unix socket directory as `?host=/path`, the PG*
// environment variables (PGHOST, PGUSER, PGPASSWORD, PGSSLMODE, ...) for what the URL
// leaves out, and the password file (~/.pgpass or $PGPASSFILE). url() and every message
// show the URL with its password masked as `***`.
//
// Write transactions run at SERIALIZABLE: several daemons may write at once, and one
// whose transaction PostgreSQL cannot serialise (SQLSTATE 40001) or picks as a deadlock
// victim (40P01) runs the whole transaction function again after a short random back-off,
// up to `max_attempts` times. A transaction function must therefore be safe to run more
// than once (it is: it only talks to the store). A retried write first locks the
// `counters` table against other writers, so a writer that lost once is not starved by
// one that keeps writing. Reads run at REPEATABLE READ READ ONLY
// (one snapshot). A connection found broken is re-established before the next
// transaction; a transaction that lost its connection before COMMIT is run again.
//
// Migrations run in one transaction holding a transaction-scoped advisory lock, so two
// processes opening a new database at once apply each migration once.
//
// Thread safety: as store.h — transactions on one PostgresStore run one at a time (a
// mutex); open one store per thread for parallel work.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "store/postgres_session.h"
#include "store/store.h"

namespace lifeboat::store {

struct PostgresStoreOptions {
  //! How many times a transaction is tried before a serialization failure is returned.
  int max_attempts = 10;
  //! Stamps updated_at / recorded_at; nullptr means the system clock. Not owned.
  const core::Clock* clock = nullptr;
};

class PostgresStore final : public Store {
 public:
  //! Connects to `url` (postgresql:// or postgres://) and brings the schema up to date.
  //! Refuses a database from a newer lifeboat.
  static core::Result<std::unique_ptr<PostgresStore>> open(
      const std::string& url, const PostgresStoreOptions& options = {});

  core::Status transact(const TransactionFn& fn) override;
  core::Status read(const TransactionFn& fn) override;
  core::Result<int> schema_version() override;
  //! The URL as given, its password replaced by `***`.
  std::string url() const override { return session_->display(); }

 private:
  enum class Kind { kWrite, kRead, kMigrate };

  PostgresStore(std::unique_ptr<PostgresSession> session, const core::Clock& clock,
                int max_attempts)
      : session_(std::move(session)), clock_(clock), max_attempts_(max_attempts) {}
  core::Status run(Kind kind, const TransactionFn& fn);
  core::Status run_once(Kind kind, const TransactionFn& fn, bool queue_behind_writers,
                        bool& commit_sent);

  std::mutex mu_;
  std::unique_ptr<PostgresSession> session_;
  const core::Clock& clock_;
  const int max_attempts_;
};

}  // namespace lifeboat::store

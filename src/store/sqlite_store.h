// SqliteStore: the default Store, one SQLite database file in WAL mode.
//
// Safe for several processes at once: writers take the database lock up front
// (BEGIN IMMEDIATE) and wait up to the busy timeout for it, so two writers never
// deadlock on a lock upgrade. Within a process, transactions on one SqliteStore run one
// at a time (a mutex); open one SqliteStore per thread for parallel reads.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "store/sqlite_session.h"
#include "store/store.h"

namespace lifeboat::store {

struct SqliteStoreOptions {
  int busy_timeout_ms = 30000;  //!< how long to wait for another process's lock
  //! Stamps updated_at / recorded_at; nullptr means the system clock. Not owned.
  const core::Clock* clock = nullptr;
};

class SqliteStore final : public Store {
 public:
  //! Opens or creates the database file `path` (its directory must exist) and brings its
  //! schema up to date. Refuses a database from a newer lifeboat.
  static core::Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                         const SqliteStoreOptions& options = {});

  core::Status transact(const TransactionFn& fn) override;
  core::Status read(const TransactionFn& fn) override;
  core::Result<int> schema_version() override;
  std::string url() const override { return "sqlite://" + session_->path(); }

 private:
  SqliteStore(std::unique_ptr<SqliteSession> session, const core::Clock& clock)
      : session_(std::move(session)), clock_(clock) {}
  core::Status run(const char* begin, const TransactionFn& fn);

  std::mutex mu_;
  std::unique_ptr<SqliteSession> session_;
  const core::Clock& clock_;
};

}  // namespace lifeboat::store

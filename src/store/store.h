// Store: the durable state of Lifeboat behind one interface (SQLite: sqlite_store.h;
// PostgreSQL: postgres_store.h). All access goes through a transaction: `transact` for writes (a
// registry event is applied in ONE call), `read` for consistent reads. Every implementation passes
// store_conformance_test.cpp.
//
// Thread safety: a Store may be shared between threads; transactions on one Store run one
// at a time. Several processes may open the same store at once. A transaction function
// must not start another transaction on the same Store (it would deadlock).
#pragma once

#include <functional>
#include <string>

#include "core/result.h"
#include "store/store_transaction.h"

namespace lifeboat::store {

using TransactionFn = std::function<core::Status(StoreTransaction&)>;

class Store {
 public:
  virtual ~Store() = default;

  //! Runs `fn` in a write transaction: commits when it returns OK, rolls back when it
  //! returns an error (which is returned) or throws (returned as Internal). Waits for
  //! other writers (other processes included) rather than failing. `fn` may be run more
  //! than once (PostgreSQL runs it again when a concurrent writer made it fail), so it
  //! must act only through the transaction and on state it resets itself.
  virtual core::Status transact(const TransactionFn& fn) = 0;
  //! Runs `fn` in a read-only transaction seeing one consistent snapshot.
  virtual core::Status read(const TransactionFn& fn) = 0;
  //! The schema version the database is at (the highest applied migration).
  virtual core::Result<int> schema_version() = 0;
  //! Where this store lives, for messages (e.g. "sqlite:///var/lib/lifeboat/lifeboat.db").
  virtual std::string url() const = 0;
};

}  // namespace lifeboat::store

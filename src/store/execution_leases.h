// ExecutionLeases: which daemon runs which execution, so that several daemons (on one host
// or many, on one PostgreSQL store) share the work and never run the same step twice.
//
// The unit of work is a top-level execution with its Parallel/Map children (its "tree"). A
// daemon claims a tree with a lease — an owner id, an expiry and a token — renews it while
// it works, and releases it, naming when the tree next needs a worker (`due_at`), as soon
// as nothing in it is due now: an execution that waits (a Wait state, a retry back-off, a
// task polling for a home that may take days) holds no lease. Every step an executor
// commits names its lease (LeaseFence in execution_store.h): the write checks, in the same
// transaction, that the owner and token are still the row's and the lease has not expired,
// so a daemon that lost its lease — paused, partitioned or thought dead — never commits a
// step again. A claim bumps the token, so a taken-over lease never matches an old fence.
//
// An expired lease is free: any daemon may claim the tree and resume it from its last
// committed step. Expiry is compared on each daemon's clock: hosts must keep their clocks
// in step (NTP) to well within a lease's duration (docs/architecture.md, "Many hosts").
//
// Copy slots: `per_volume_concurrency` holds across every daemon on the store. A tree takes
// a slot of the volume it copies into (take_copy_slot) for the length of the copy; a slot
// whose lease expired is free again.
//
// Named leases serve "one of many" roles (the change-stream dispatcher): one row per name,
// held by one owner until it expires or is released.
//
// On SQLite every transaction holds the database lock, so claims never race; on
// PostgreSQL a claim locks the rows it takes with FOR UPDATE SKIP LOCKED (so concurrent
// claimers pass each other by) inside a SERIALIZABLE transaction.
//
// Thread safety: as the Store (every call is one transaction).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/execution_store.h"
#include "store/store.h"

namespace lifeboat::store {

//! Migration 6: the lease columns of `executions` and the table `named_leases`.
extern const std::string_view kLeasesMigrationSql;

//! A lease as stored.
struct ExecutionLease {
  std::string execution_id;  //!< the top-level execution (its children are covered)
  std::string owner;
  std::int64_t token = 0;
  core::Clock::WallTime expires_at{};
  std::string copy_volume;  //!< the volume whose copy slot it holds; "" for none

  LeaseFence fence() const { return {execution_id, owner, token}; }
};

struct NamedLease {
  std::string name;
  std::string owner;
  std::int64_t token = 0;
  core::Clock::WallTime expires_at{};
};

class ExecutionLeases {
 public:
  //! Borrows `store`, which must outlive this object.
  explicit ExecutionLeases(Store& store) : store_(store) {}

  //! Claims up to `limit` RUNNING top-level executions that are due at `now` (due_at unset
  //! or passed) and whose lease is free or expired, oldest first, for `owner` until
  //! now + ttl. Each claim bumps the execution's token.
  core::Result<std::vector<ExecutionLease>> claim_due(std::string_view owner,
                                                      core::Clock::WallTime now,
                                                      std::chrono::milliseconds ttl,
                                                      std::int64_t limit);
  //! Claims execution `id` whether due or not (a CLI run of one execution). Empty when it
  //! is not a RUNNING top-level execution or another owner holds an unexpired lease on it.
  core::Result<std::optional<ExecutionLease>> claim(std::string_view id, std::string_view owner,
                                                    core::Clock::WallTime now,
                                                    std::chrono::milliseconds ttl);
  //! Extends each lease of `fences` still held (same owner and token, not expired at `now`)
  //! to now + ttl. Returns the execution ids of the leases that are lost.
  core::Result<std::vector<std::string>> renew(const std::vector<LeaseFence>& fences,
                                               core::Clock::WallTime now,
                                               std::chrono::milliseconds ttl);
  //! Gives the lease up and records when the tree next needs a worker (unset: now).
  //! Frees its copy slot. Releasing a lease that is lost already is no error (nothing
  //! changes).
  core::Status release(const LeaseFence& fence, std::optional<core::Clock::WallTime> due_at);
  //! Expires every lease `owner` holds (a restarted daemon reclaiming its own work at once
  //! rather than after the expiry). Returns how many.
  core::Result<std::int64_t> expire_owned_by(std::string_view owner);
  //! Makes a RUNNING top-level execution due now (e.g. a redrive); no-op otherwise.
  core::Status make_due(std::string_view id);

  //! Takes one of `limit` slots of `volume` for the tree of `fence` (true), or none is free
  //! (false). A tree holding a slot of this volume already keeps it (true).
  core::Result<bool> take_copy_slot(const LeaseFence& fence, std::string_view volume, int limit,
                                    core::Clock::WallTime now);
  core::Status release_copy_slot(const LeaseFence& fence);

  //! Unexpired execution leases at `now`, soonest expiry first.
  core::Result<std::vector<ExecutionLease>> held(core::Clock::WallTime now);

  //! Takes or renews the named lease `name` for `owner` until now + ttl: the token when
  //! `owner` holds it afterwards, empty when another owner holds it unexpired.
  core::Result<std::optional<std::int64_t>> acquire_named(std::string_view name,
                                                          std::string_view owner,
                                                          core::Clock::WallTime now,
                                                          std::chrono::milliseconds ttl);
  //! Gives up `name` if `owner` holds it.
  core::Status release_named(std::string_view name, std::string_view owner);
  //! Every named lease (expired ones too), by name.
  core::Result<std::vector<NamedLease>> named();

 private:
  Store& store_;
};

//! Checks inside a write transaction that `fence` still holds its execution's lease at
//! `now`; FailedPrecondition naming the execution when it does not. (SqlExecutionStore
//! runs it before every fenced write.)
core::Status check_fence(SqlSession& sql, const LeaseFence& fence, core::Clock::WallTime now);

}  // namespace lifeboat::store

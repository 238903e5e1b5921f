#include "store/execution_leases.h"

#include <fmt/format.h>

#include "core/time_format.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {

using core::Result;
using core::Status;
using WallTime = core::Clock::WallTime;

// Version 6. The lease lives on the top-level execution's row; `due_at` is when its tree
// next needs a worker (NULL: now), `copy_volume` the volume whose copy slot it holds. Each
// event records the lease it was committed under (who ran the step).
const std::string_view kLeasesMigrationSql = R"sql(
ALTER TABLE executions ADD COLUMN lease_owner TEXT;
ALTER TABLE executions ADD COLUMN lease_token BIGINT NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN lease_expires_at TEXT;
ALTER TABLE executions ADD COLUMN due_at TEXT;
ALTER TABLE executions ADD COLUMN copy_volume TEXT;
CREATE INDEX executions_due ON executions (status, due_at);
CREATE INDEX executions_by_copy_volume ON executions (copy_volume);
ALTER TABLE execution_events ADD COLUMN lease_owner TEXT;
ALTER TABLE execution_events ADD COLUMN lease_token BIGINT;
CREATE TABLE named_leases (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  token BIGINT NOT NULL,
  expires_at TEXT NOT NULL
);
)sql";

namespace {

std::string at(WallTime t) { return core::format_rfc3339(t); }

WallTime time_or_epoch(const std::string& text) {
  auto t = core::parse_rfc3339(text);
  return t ? *t : WallTime{};
}

constexpr std::string_view kLeaseColumns =
    "id, lease_owner, lease_token, lease_expires_at, copy_volume";

ExecutionLease lease_from_row(const SqlRow& r) {
  return {r.text(0), r.text(1), r.integer(2), time_or_epoch(r.text(3)), r.text(4)};
}

// Claims one row found claimable: only if it still is (a concurrent claimer on SQLite
// cannot exist; on PostgreSQL the row is locked by the SELECT). Empty when it was not.
Result<std::optional<ExecutionLease>> take(SqlSession& sql, const std::string& id,
                                           std::string_view owner, WallTime now,
                                           std::chrono::milliseconds ttl) {
  const std::string expires = at(now + ttl);
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows, sql.query("UPDATE executions SET lease_owner = ?, lease_token = lease_token + 1, "
                           "lease_expires_at = ?, copy_volume = NULL "
                           "WHERE id = ? AND status = 'RUNNING' AND parent_id IS NULL "
                           "AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at <= ?) "
                           "RETURNING lease_token",
                           {std::string(owner), expires, id, std::string(owner), at(now)}));
  if (rows.empty()) return std::optional<ExecutionLease>();
  return std::optional<ExecutionLease>(
      ExecutionLease{id, std::string(owner), rows.front().integer(0), now + ttl, ""});
}

}  // namespace

Status check_fence(SqlSession& sql, const LeaseFence& fence, WallTime now) {
  // A no-op update: it matches only while the lease holds, and on PostgreSQL it locks the
  // row until commit, so a claim cannot slip in between this check and the write.
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::int64_t n,
      sql.execute("UPDATE executions SET lease_token = lease_token WHERE id = ? "
                  "AND lease_owner = ? AND lease_token = ? AND lease_expires_at > ?",
                  {fence.execution_id, fence.owner, fence.token, at(now)}));
  if (n != 1) {
    return Status::failed_precondition(
        fmt::format("the lease of {} on execution '{}' (token {}) is lost: it expired or "
                    "another daemon took the execution over; nothing written",
                    fence.owner, fence.execution_id, fence.token));
  }
  return Status::ok();
}

Result<std::vector<ExecutionLease>> ExecutionLeases::claim_due(std::string_view owner, WallTime now,
                                                               std::chrono::milliseconds ttl,
                                                               std::int64_t limit) {
  std::vector<ExecutionLease> out;
  LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](StoreTransaction& tx) -> Status {
    out.clear();
    SqlSession& sql = session_of(tx);
    const std::string now_text = at(now);
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto rows,
        sql.query(fmt::format("SELECT id FROM executions WHERE status = 'RUNNING' "
                              "AND parent_id IS NULL AND (due_at IS NULL OR due_at <= ?) "
                              "AND (lease_owner IS NULL OR lease_expires_at <= ?) "
                              "ORDER BY COALESCE(due_at, ''), start_time, id LIMIT ?{}",
                              sql.skip_locked_clause()),
                  {now_text, now_text, limit}));
    for (const SqlRow& r : rows) {
      LIFEBOAT_ASSIGN_OR_RETURN(auto lease, take(sql, r.text(0), owner, now, ttl));
      if (lease) out.push_back(std::move(*lease));
    }
    return Status::ok();
  }));
  return out;
}

Result<std::optional<ExecutionLease>> ExecutionLeases::claim(std::string_view id,
                                                             std::string_view owner, WallTime now,
                                                             std::chrono::milliseconds ttl) {
  std::optional<ExecutionLease> out;
  LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](StoreTransaction& tx) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(out, take(session_of(tx), std::string(id), owner, now, ttl));
    return Status::ok();
  }));
  return out;
}

Result<std::vector<std::string>> ExecutionLeases::renew(const std::vector<LeaseFence>& fences,
                                                        WallTime now,
                                                        std::chrono::milliseconds ttl) {
  std::vector<std::string> lost;
  if (fences.empty()) return lost;
  LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](StoreTransaction& tx) -> Status {
    lost.clear();
    SqlSession& sql = session_of(tx);
    for (const LeaseFence& f : fences) {
      LIFEBOAT_ASSIGN_OR_RETURN(
          std::int64_t n,
          sql.execute("UPDATE executions SET lease_expires_at = ? WHERE id = ? "
                      "AND lease_owner = ? AND lease_token = ? AND lease_expires_at > ?",
                      {at(now + ttl), f.execution_id, f.owner, f.token, at(now)}));
      if (n != 1) lost.push_back(f.execution_id);
    }
    return Status::ok();
  }));
  return lost;
}

Status ExecutionLeases::release(const LeaseFence& fence, std::optional<WallTime> due_at) {
  return store_.transact([&](StoreTransaction& tx) -> Status {
    SqlValue due = nullptr;
    if (due_at) due = at(*due_at);
    return session_of(tx)
        .execute(
            "UPDATE executions SET lease_owner = NULL, lease_expires_at = NULL, "
            "copy_volume = NULL, due_at = ? WHERE id = ? AND lease_owner = ? "
            "AND lease_token = ?",
            {due, fence.execution_id, fence.owner, fence.token})
        .status();
  });
}

Result<std::int64_t> ExecutionLeases::expire_owned_by(std::string_view owner) {
  std::int64_t n = 0;
  LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](StoreTransaction& tx) -> Status {
    SqlSession& sql = session_of(tx);
    // The token moves on, so a process of this owner still alive somewhere cannot commit.
    LIFEBOAT_ASSIGN_OR_RETURN(
        n, sql.execute("UPDATE executions SET lease_owner = NULL, lease_expires_at = NULL, "
                       "copy_volume = NULL, lease_token = lease_token + 1 WHERE lease_owner = ?",
                       {std::string(owner)}));
    return sql.execute("DELETE FROM named_leases WHERE owner = ?", {std::string(owner)}).status();
  }));
  return n;
}

Status ExecutionLeases::make_due(std::string_view id) {
  return store_.transact([&](StoreTransaction& tx) -> Status {
    return session_of(tx)
        .execute(
            "UPDATE executions SET due_at = NULL WHERE id = ? AND parent_id IS NULL "
            "AND status = 'RUNNING'",
            {std::string(id)})
        .status();
  });
}

Result<bool> ExecutionLeases::take_copy_slot(const LeaseFence& fence, std::string_view volume,
                                             int limit, WallTime now) {
  bool taken = false;
  Status st = store_.transact([&](StoreTransaction& tx) -> Status {
    SqlSession& sql = session_of(tx);
    LIFEBOAT_RETURN_IF_ERROR(check_fence(sql, fence, now));
    // Slots in use: trees copying into `volume` whose leases hold (an expired one's copy
    // stopped with its daemon), this one aside.
    LIFEBOAT_ASSIGN_OR_RETURN(
        std::int64_t n,
        sql.execute("UPDATE executions SET copy_volume = ? WHERE id = ? AND ("
                    "SELECT COUNT(*) FROM executions o WHERE o.copy_volume = ? AND o.id <> ? "
                    "AND o.lease_owner IS NOT NULL AND o.lease_expires_at > ?) < ?",
                    {std::string(volume), fence.execution_id, std::string(volume),
                     fence.execution_id, at(now), static_cast<std::int64_t>(limit)}));
    taken = n == 1;
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return taken;
}

Status ExecutionLeases::release_copy_slot(const LeaseFence& fence) {
  return store_.transact([&](StoreTransaction& tx) -> Status {
    return session_of(tx)
        .execute(
            "UPDATE executions SET copy_volume = NULL WHERE id = ? AND lease_owner = ? "
            "AND lease_token = ?",
            {fence.execution_id, fence.owner, fence.token})
        .status();
  });
}

Result<std::vector<ExecutionLease>> ExecutionLeases::held(WallTime now) {
  std::vector<ExecutionLease> out;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](StoreTransaction& tx) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto rows,
        session_of(tx).query(fmt::format("SELECT {} FROM executions WHERE lease_owner IS NOT NULL "
                                         "AND lease_expires_at > ? ORDER BY lease_expires_at, id",
                                         kLeaseColumns),
                             {at(now)}));
    for (const SqlRow& r : rows) out.push_back(lease_from_row(r));
    return Status::ok();
  }));
  return out;
}

Result<std::optional<std::int64_t>> ExecutionLeases::acquire_named(std::string_view name,
                                                                   std::string_view owner,
                                                                   WallTime now,
                                                                   std::chrono::milliseconds ttl) {
  std::optional<std::int64_t> token;
  LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](StoreTransaction& tx) -> Status {
    token.reset();
    // Insert, renew (same owner) or take over (expired); a new owner bumps the token.
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto rows,
        session_of(tx).query(
            "INSERT INTO named_leases (name, owner, token, expires_at) VALUES (?, ?, 1, ?) "
            "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
            "token = CASE WHEN named_leases.owner = excluded.owner THEN named_leases.token "
            "ELSE named_leases.token + 1 END, expires_at = excluded.expires_at "
            "WHERE named_leases.owner = excluded.owner OR named_leases.expires_at <= ? "
            "RETURNING token",
            {std::string(name), std::string(owner), at(now + ttl), at(now)}));
    if (!rows.empty()) token = rows.front().integer(0);
    return Status::ok();
  }));
  return token;
}

Status ExecutionLeases::release_named(std::string_view name, std::string_view owner) {
  return store_.transact([&](StoreTransaction& tx) -> Status {
    return session_of(tx)
        .execute("DELETE FROM named_leases WHERE name = ? AND owner = ?",
                 {std::string(name), std::string(owner)})
        .status();
  });
}

Result<std::vector<NamedLease>> ExecutionLeases::named() {
  std::vector<NamedLease> out;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](StoreTransaction& tx) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto rows,
        session_of(tx).query(
            "SELECT name, owner, token, expires_at FROM named_leases ORDER BY name", {}));
    for (const SqlRow& r : rows)
      out.push_back({r.text(0), r.text(1), r.integer(2), time_or_epoch(r.text(3))});
    return Status::ok();
  }));
  return out;
}

}  // namespace lifeboat::store

#include "store/schema_migrations.h"

#include <fmt/format.h>

#include "core/clock.h"
#include "core/time_format.h"
#include "store/execution_leases.h"
#include "store/held_events.h"
#include "store/sql_execution_store.h"
#include "store/sql_store_transaction.h"
#include "store/transfer_log.h"

namespace lifeboat::store {
namespace {

// Version 1: the registry. Portable SQL: no AUTOINCREMENT/SERIAL (sequence
// numbers come from `counters`, whose row lock also orders them by commit), booleans as
// INTEGER 0/1, timestamps as RFC 3339 text (fixed width UTC, so they sort as text).
constexpr std::string_view kRegistrySql = R"sql(
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('changes', 0), ('profile_history', 0);

CREATE TABLE volumes (
  id TEXT PRIMARY KEY,
  mount_path TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE domains (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  home_volume_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'deleted')),
  last_event_time TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX domains_by_name ON domains (name);

CREATE TABLE profiles (
  domain_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'space')),
  name TEXT NOT NULL,
  domain_id TEXT NOT NULL,
  home_volume_id TEXT,
  home_dir_name TEXT,
  owner_uid BIGINT,
  owner_gid BIGINT,
  replication INTEGER NOT NULL,
  pending_source_volume_id TEXT,
  pending_source_dir_name TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'deleted', 'pending')),
  last_replication_status TEXT,
  last_bytes_written BIGINT,
  last_bytes_transferred BIGINT,
  last_files_transferred BIGINT,
  last_duration_ms BIGINT,
  last_execution_id TEXT,
  last_event_time TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (domain_name, kind, name)
);
CREATE INDEX profiles_by_domain_id ON profiles (domain_id);

CREATE TABLE profile_history (
  seq BIGINT PRIMARY KEY,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_time TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  domain_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'stale')),
  detail TEXT NOT NULL
);
CREATE INDEX profile_history_by_key ON profile_history (domain_name, kind, name, seq);
CREATE INDEX profile_history_by_event ON profile_history (event_id);

CREATE TABLE changes (
  seq BIGINT PRIMARY KEY,
  event_id TEXT NOT NULL,
  domain_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  operation TEXT NOT NULL CHECK (operation IN ('INSERT', 'MODIFY', 'REMOVE')),
  old_image TEXT,
  new_image TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE processed_events (
  event_id TEXT PRIMARY KEY,
  outcome TEXT NOT NULL,
  processed_at TEXT NOT NULL
);

CREATE TABLE change_consumers (
  name TEXT PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);
)sql";

// Version 4: finding the profile that holds a home, so the registry can refuse a new
// home that is another active profile's (docs/security.md).
constexpr std::string_view kProfilesByHomeSql = R"sql(
CREATE INDEX profiles_by_home ON profiles (home_volume_id, home_dir_name);
)sql";

// Version 7: keyset pagination of every list (docs/architecture.md "The store"). Each
// sort of each list, with and without its common filters, has an index whose columns are
// the filter's equality columns then the sort key, so a page is one index range scan.
// Text sort keys are indexed COLLATE "C" (bytes; SQLite gets a "C" collation from
// sqlite_session.cpp), so PostgreSQL orders as SQLite does whatever the database's
// collation, and the name-prefix range is exact. executions.profile_key is the profile an
// execution's input names (store/list_queries.h): recoveries by profile. The index of
// children by parent becomes partial (parent_id IS NOT NULL): SQLite otherwise takes
// `parent_id IS NULL` as a selective equality on it and sorts every top-level execution.
constexpr std::string_view kListIndexesSql = R"sql(
CREATE INDEX profiles_page_name ON profiles (name COLLATE "C", domain_name COLLATE "C", kind);
CREATE INDEX profiles_page_updated ON profiles (updated_at COLLATE "C", domain_name COLLATE "C", kind, name COLLATE "C");
CREATE INDEX profiles_page_domain_name ON profiles (domain_name, name COLLATE "C", kind);
CREATE INDEX profiles_page_domain_updated ON profiles (domain_name, updated_at COLLATE "C", kind, name COLLATE "C");
CREATE INDEX profiles_page_status_name ON profiles (status, name COLLATE "C", domain_name COLLATE "C", kind);
CREATE INDEX profiles_page_status_updated ON profiles (status, updated_at COLLATE "C", domain_name COLLATE "C", kind, name COLLATE "C");
CREATE INDEX transfers_page_domain ON transfers (domain_name, seq);
CREATE INDEX transfers_page_status ON transfers (status, seq);
CREATE INDEX held_events_page ON held_events (next_attempt_at COLLATE "C", event_id COLLATE "C");
CREATE INDEX dead_letters_page ON dead_letters (created_at COLLATE "C", id COLLATE "C");
ALTER TABLE executions ADD COLUMN profile_key TEXT;
DROP INDEX executions_by_parent;
CREATE INDEX executions_children ON executions (parent_id, branch_index) WHERE parent_id IS NOT NULL;
CREATE INDEX executions_page_top ON executions (start_time COLLATE "C", id COLLATE "C") WHERE parent_id IS NULL;
CREATE INDEX executions_page_top_status ON executions (status, start_time COLLATE "C", id COLLATE "C") WHERE parent_id IS NULL;
CREATE INDEX executions_page_profile ON executions (profile_key, start_time COLLATE "C", id COLLATE "C") WHERE parent_id IS NULL;
)sql";

}  // namespace

const std::vector<Migration>& schema_migrations() {
  // Append new migrations at the end of this list (see the header).
  static const std::vector<Migration> kMigrations = {
      {1, "registry", kRegistrySql},
      {2, "executions", kExecutionsMigrationSql},
      {3, "transfers", kTransfersMigrationSql},
      {4, "profiles by home", kProfilesByHomeSql},
      {5, "platform: creation times, held events", kPlatformMigrationSql},
      {6, "execution leases, named leases", kLeasesMigrationSql},
      {7, "indexes for paged lists", kListIndexesSql},
  };
  return kMigrations;
}

const std::vector<std::string_view>& store_tables() {
  static const std::vector<std::string_view> tables{
      "counters",     "volumes",          "domains",          "profiles",     "profile_history",
      "changes",      "processed_events", "change_consumers", "executions",   "execution_events",
      "dead_letters", "transfers",        "held_events",      "named_leases", "schema_migrations"};
  return tables;
}

const std::vector<std::string_view>& seeded_counters() {
  static const std::vector<std::string_view> counters{"changes", "profile_history", "transfers"};
  return counters;
}

int latest_schema_version() { return schema_migrations().back().version; }

core::Result<int> current_schema_version(SqlSession& session) {
  LIFEBOAT_RETURN_IF_ERROR(session.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                            session.query("SELECT MAX(version) FROM schema_migrations", {}));
  if (rows.empty()) return 0;
  return static_cast<int>(rows.front().integer(0));
}

core::Result<int> applied_schema_version(Store& store) {
  int version = 0;
  LIFEBOAT_RETURN_IF_ERROR(store.read([&](StoreTransaction& txn) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto rows, session_of(txn).query("SELECT MAX(version) FROM schema_migrations", {}));
    version = rows.empty() ? 0 : static_cast<int>(rows[0].integer(0));
    return core::Status::ok();
  }));
  return version;
}

core::Status apply_migrations(SqlSession& session, std::string_view where) {
  return apply_migrations(session, where, schema_migrations());
}

core::Status apply_migrations(SqlSession& session, std::string_view where,
                              const std::vector<Migration>& migrations) {
  LIFEBOAT_ASSIGN_OR_RETURN(int version, current_schema_version(session));
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (version > latest) {
    return core::Status::failed_precondition(
        fmt::format("the store {} has schema version {}, newer than this lifeboat knows ({}); "
                    "upgrade lifeboat to use it",
                    where, version, latest));
  }
  for (const Migration& m : migrations) {
    if (m.version <= version) continue;
    core::Status st = session.execute_script(m.sql);
    if (!st.is_ok()) {
      return st.with_context(fmt::format("migration {} ({}) of {}", m.version, m.name, where));
    }
    auto recorded = session.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        {static_cast<std::int64_t>(m.version), std::string(m.name),
         core::format_rfc3339(core::SystemClock::instance().now())});
    if (!recorded.is_ok()) return recorded.status();
  }
  return core::Status::ok();
}

}  // namespace lifeboat::store

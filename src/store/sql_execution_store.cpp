#include "store/sql_execution_store.h"

#include "core/time_format.h"
#include "store/execution_leases.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {

using core::Result;
using core::Status;

// Portable: TEXT/BIGINT only, no AUTOINCREMENT (event ids are per execution and chosen
// inside the writing transaction), timestamps as RFC 3339 text.
const std::string_view kExecutionsMigrationSql = R"sql(
CREATE TABLE executions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_id TEXT,
  branch_index BIGINT NOT NULL,
  definition TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  cursor TEXT NOT NULL,
  wake_at TEXT,
  start_time TEXT NOT NULL,
  stop_time TEXT,
  version BIGINT NOT NULL
);
CREATE INDEX executions_by_status ON executions (status);
CREATE INDEX executions_by_parent ON executions (parent_id, branch_index);

CREATE TABLE execution_events (
  execution_id TEXT NOT NULL,
  id BIGINT NOT NULL,
  previous_event_id BIGINT NOT NULL,
  type TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  details TEXT NOT NULL,
  PRIMARY KEY (execution_id, id)
);

CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  execution_id TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  payload TEXT NOT NULL,
  definition TEXT NOT NULL,
  error TEXT NOT NULL,
  cause TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('PENDING', 'REDRIVEN')),
  redrive_execution_id TEXT
);
)sql";

namespace {

constexpr std::string_view kExecutionColumns =
    "id, name, parent_id, branch_index, definition, status, input, output, error, cause, cursor, "
    "wake_at, start_time, stop_time, version";

// Times are RFC 3339 text in the table. The executor writes every one of them; a value it
// cannot read (a hand-edited row) reads as no time (wake_at: due now) or the epoch.
std::optional<core::Clock::WallTime> time_from(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto t = core::parse_rfc3339(*text);
  if (!t) return std::nullopt;
  return *t;
}

SqlValue time_value(const std::optional<core::Clock::WallTime>& t) {
  if (!t) return nullptr;
  return core::format_rfc3339(*t);
}

// Statuses are their names in the table; the CHECK constraint admits no other.
ExecutionStatus status_from(const std::string& text) {
  return parse_execution_status(text).value_or(ExecutionStatus::kFailed);
}

SqlValue status_value(ExecutionStatus status) { return std::string(execution_status_name(status)); }

ExecutionRecord execution_from_row(const SqlRow& r) {
  ExecutionRecord e;
  e.id = r.text(0);
  e.name = r.text(1);
  e.parent_id = r.optional_text(2).value_or("");
  e.branch_index = r.integer(3);
  e.definition = r.text(4);
  e.status = status_from(r.text(5));
  e.input = r.text(6);
  e.output = r.optional_text(7);
  e.error = r.optional_text(8);
  e.cause = r.optional_text(9);
  e.cursor = r.text(10);
  e.wake_at = time_from(r.optional_text(11));
  e.start_time = time_from(r.text(12)).value_or(core::Clock::WallTime{});
  e.stop_time = time_from(r.optional_text(13));
  e.version = r.integer(14);
  return e;
}

constexpr std::string_view kDeadLetterColumns =
    "id, execution_id, created_at, payload, definition, error, cause, status, "
    "redrive_execution_id";

DeadLetter dead_letter_from_row(const SqlRow& r) {
  DeadLetter d;
  d.id = r.text(0);
  d.execution_id = r.text(1);
  d.created_at = r.text(2);
  d.payload = r.text(3);
  d.definition = r.text(4);
  d.error = r.text(5);
  d.cause = r.text(6);
  d.status = r.text(7);
  d.redrive_execution_id = r.optional_text(8);
  return d;
}

ExecutionEvent event_from_row(const SqlRow& r) {
  return {r.text(0), r.integer(1), r.integer(2), r.text(3),
          r.text(4), r.text(5),    r.text(6),    r.integer(7)};
}

// Runs one query in a read transaction and converts every row with `from_row`.
template <typename T>
Result<std::vector<T>> read_rows(Store& store, const std::string& sql,
                                 const std::vector<SqlValue>& params,
                                 T (*from_row)(const SqlRow&)) {
  std::vector<T> out;
  LIFEBOAT_RETURN_IF_ERROR(store.read([&](StoreTransaction& tx) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto rows, session_of(tx).query(sql, params));
    for (const auto& r : rows) out.push_back(from_row(r));
    return Status::ok();
  }));
  return out;
}

// The first row of read_rows, if any.
template <typename T>
Result<std::optional<T>> read_one(Store& store, const std::string& sql,
                                  const std::vector<SqlValue>& params,
                                  T (*from_row)(const SqlRow&)) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, read_rows(store, sql, params, from_row));
  if (rows.empty()) return std::optional<T>();
  return std::optional<T>(std::move(rows.front()));
}

SqlValue parent_value(const std::string& parent_id) {
  if (parent_id.empty()) return nullptr;
  return parent_id;
}

}  // namespace

Status SqlExecutionStore::write(const ExecutionWrite& w) {
  return store_.transact([&](StoreTransaction& tx) -> Status {
    SqlSession& sql = session_of(tx);
    if (w.fence) LIFEBOAT_RETURN_IF_ERROR(check_fence(sql, *w.fence, w.fence_time));
    for (const auto& e : w.creates) {
      // profile_key (migration 7) lets GET /v1/executions?profile= find a profile's
      // recoveries through an index; a child names no profile of its own.
      auto n = sql.execute(
          "INSERT INTO executions (" + std::string(kExecutionColumns) +
              ", profile_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
          {e.id, e.name, parent_value(e.parent_id), e.branch_index, e.definition,
           status_value(e.status), e.input, sql_optional(e.output), sql_optional(e.error),
           sql_optional(e.cause), e.cursor, time_value(e.wake_at), time_value(e.start_time),
           time_value(e.stop_time),
           sql_optional(e.parent_id.empty() ? execution_profile_key(e.input) : std::nullopt)});
      if (!n) return n.status().with_context("recording execution '" + e.id + "'");
    }
    for (const auto& e : w.updates) {
      LIFEBOAT_ASSIGN_OR_RETURN(
          std::int64_t n,
          sql.execute("UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, "
                      "cursor = ?, wake_at = ?, stop_time = ?, version = version + 1 "
                      "WHERE id = ? AND version = ?",
                      {status_value(e.status), sql_optional(e.output), sql_optional(e.error),
                       sql_optional(e.cause), e.cursor, time_value(e.wake_at),
                       time_value(e.stop_time), e.id, e.version}));
      if (n != 1)
        return Status::failed_precondition("execution '" + e.id +
                                           "' changed since it was read (stopped or run "
                                           "elsewhere); nothing written");
    }
    for (const auto& ev : w.events) {
      LIFEBOAT_ASSIGN_OR_RETURN(
          auto rows, sql.query("SELECT MAX(id) FROM execution_events WHERE execution_id = ?",
                               {ev.execution_id}));
      std::int64_t last = rows.empty() ? 0 : rows.front().integer(0);
      SqlValue owner = nullptr;
      SqlValue token = nullptr;
      if (w.fence) {
        owner = w.fence->owner;
        token = w.fence->token;
      }
      auto n = sql.execute(
          "INSERT INTO execution_events (execution_id, id, previous_event_id, type, timestamp, "
          "details, lease_owner, lease_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {ev.execution_id, last + 1, last, ev.type, ev.timestamp, ev.details, owner, token});
      if (!n)
        return n.status().with_context("appending event to execution '" + ev.execution_id + "'");
    }
    return Status::ok();
  });
}

Result<std::optional<ExecutionRecord>> SqlExecutionStore::get_execution(const std::string& id) {
  return read_one(store_,
                  "SELECT " + std::string(kExecutionColumns) + " FROM executions WHERE id = ?",
                  {id}, &execution_from_row);
}

Result<std::vector<ExecutionRecord>> SqlExecutionStore::list_executions(
    const ExecutionFilter& filter) {
  std::string sql = "SELECT " + std::string(kExecutionColumns) + " FROM executions WHERE 1 = 1";
  std::vector<SqlValue> params;
  if (filter.parent_id) {
    sql += " AND parent_id = ?";
    params.emplace_back(*filter.parent_id);
  } else if (filter.top_level_only) {
    sql += " AND parent_id IS NULL";
  }
  if (filter.status) {
    sql += " AND status = ?";
    params.push_back(status_value(*filter.status));
  }
  if (filter.min_branch_index) {
    sql += " AND branch_index >= ?";
    params.emplace_back(*filter.min_branch_index);
  }
  if (filter.ids) {
    if (filter.ids->empty()) return std::vector<ExecutionRecord>();
    sql += " AND id IN (?";
    params.emplace_back(filter.ids->front());
    for (std::size_t i = 1; i < filter.ids->size(); ++i) {
      sql += ", ?";
      params.emplace_back((*filter.ids)[i]);
    }
    sql += ")";
  }
  sql += filter.parent_id ? " ORDER BY branch_index" : " ORDER BY start_time DESC, id";
  sql += " LIMIT ?";
  params.emplace_back(filter.limit);
  return read_rows(store_, sql, params, &execution_from_row);
}

Result<std::vector<ExecutionEvent>> SqlExecutionStore::list_events(const std::string& id) {
  return read_rows(store_,
                   "SELECT execution_id, id, previous_event_id, type, timestamp, details, "
                   "lease_owner, lease_token FROM execution_events WHERE execution_id = ? "
                   "ORDER BY id",
                   {id}, &event_from_row);
}

Status SqlExecutionStore::add_dead_letter(const DeadLetter& d) {
  return store_.transact([&](StoreTransaction& tx) -> Status {
    auto n = session_of(tx).execute(
        "INSERT INTO dead_letters (" + std::string(kDeadLetterColumns) +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (execution_id) DO NOTHING",
        {d.id, d.execution_id, d.created_at, d.payload, d.definition, d.error, d.cause, d.status,
         sql_optional(d.redrive_execution_id)});
    return n.status();
  });
}

Result<std::vector<DeadLetter>> SqlExecutionStore::list_dead_letters() {
  return read_rows(store_,
                   "SELECT " + std::string(kDeadLetterColumns) +
                       " FROM dead_letters ORDER BY created_at DESC, id",
                   {}, &dead_letter_from_row);
}

Result<Page<ExecutionRecord>> SqlExecutionStore::list_executions_page(const ExecutionQuery& query,
                                                                      const PageRequest& page) {
  KeysetQuery q;
  q.scope = "executions;" + scope_part("sort", execution_sort_name(query.sort));
  q.columns = std::string(kExecutionColumns);
  q.from = "executions";
  q.conditions.emplace_back("parent_id IS NULL");
  if (query.status) {
    q.scope += scope_part("status", execution_status_name(*query.status));
    q.conditions.emplace_back("status = ?");
    q.params.push_back(status_value(*query.status));
  }
  if (query.profile) {
    const std::string key = profile_key_text(*query.profile);
    q.scope += scope_part("profile", key);
    q.conditions.emplace_back("profile_key = ?");
    q.params.emplace_back(key);
  }
  q.keys = {{R"(start_time COLLATE "C")", KeyType::kText}, {R"(id COLLATE "C")", KeyType::kText}};
  q.descending = query.sort == ExecutionSort::kNewestFirst;
  Page<ExecutionRecord> out;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](StoreTransaction& tx) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(Page<SqlRow> rows, run_keyset_query(session_of(tx), q, page));
    out.next_cursor = std::move(rows.next_cursor);
    for (const SqlRow& r : rows.items) out.items.push_back(execution_from_row(r));
    return Status::ok();
  }));
  return out;
}

Result<Page<DeadLetter>> SqlExecutionStore::list_dead_letters_page(const PageRequest& page) {
  KeysetQuery q;
  q.scope = "dead-letters;";
  q.columns = std::string(kDeadLetterColumns);
  q.from = "dead_letters";
  q.keys = {{R"(created_at COLLATE "C")", KeyType::kText}, {R"(id COLLATE "C")", KeyType::kText}};
  q.descending = true;
  Page<DeadLetter> out;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](StoreTransaction& tx) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(Page<SqlRow> rows, run_keyset_query(session_of(tx), q, page));
    out.next_cursor = std::move(rows.next_cursor);
    for (const SqlRow& r : rows.items) out.items.push_back(dead_letter_from_row(r));
    return Status::ok();
  }));
  return out;
}

Result<std::optional<DeadLetter>> SqlExecutionStore::get_dead_letter(const std::string& id) {
  return read_one(store_,
                  "SELECT " + std::string(kDeadLetterColumns) + " FROM dead_letters WHERE id = ?",
                  {id}, &dead_letter_from_row);
}

Status SqlExecutionStore::mark_redriven(const std::string& id, const std::string& execution_id) {
  return store_.transact([&](StoreTransaction& tx) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(
        std::int64_t n,
        session_of(tx).execute(
            "UPDATE dead_letters SET status = ?, redrive_execution_id = ? "
            "WHERE id = ? AND status = ?",
            {std::string(kDeadLetterRedriven), execution_id, id, std::string(kDeadLetterPending)}));
    if (n != 1)
      return Status::failed_precondition("dead letter '" + id +
                                         "' does not exist or was redriven already");
    return Status::ok();
  });
}

}  // namespace lifeboat::store

#include "store/held_events.h"

#include <fmt/format.h>

namespace lifeboat::store {
namespace {

using core::Result;
using core::Status;

constexpr std::string_view kColumns =
    "event_id, event, rule, held_at, next_attempt_at, deadline, attempts, last_error";

Result<HeldEvent> from_row(const SqlRow& r) {
  HeldEvent e;
  e.event_id = r.text(0);
  LIFEBOAT_ASSIGN_OR_RETURN(e.event, core::parse_json(r.text(1), "held_events.event"));
  e.rule = r.text(2);
  e.held_at = r.text(3);
  e.next_attempt_at = r.text(4);
  e.deadline = r.text(5);
  e.attempts = r.integer(6);
  e.last_error = r.text(7);
  return e;
}

Result<std::vector<HeldEvent>> rows_to_events(const std::vector<SqlRow>& rows) {
  std::vector<HeldEvent> out;
  out.reserve(rows.size());
  for (const SqlRow& r : rows) {
    LIFEBOAT_ASSIGN_OR_RETURN(HeldEvent e, from_row(r));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

const std::string_view kPlatformMigrationSql = R"sql(
ALTER TABLE profiles ADD COLUMN platform_created_at TEXT;
CREATE TABLE held_events (
  event_id TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  rule TEXT NOT NULL,
  held_at TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  deadline TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX held_events_by_next_attempt ON held_events (next_attempt_at);
)sql";

Result<bool> hold_event(SqlSession& sql, const HeldEvent& e) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::int64_t n,
      sql.execute(fmt::format("INSERT INTO held_events ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT (event_id) DO NOTHING",
                              kColumns),
                  {e.event_id, e.event.dump(), e.rule, e.held_at, e.next_attempt_at, e.deadline,
                   e.attempts, e.last_error}));
  return n > 0;
}

Result<bool> is_event_held(SqlSession& sql, std::string_view event_id) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, sql.query("SELECT 1 FROM held_events WHERE event_id = ?",
                                                 {std::string(event_id)}));
  return !rows.empty();
}

Result<std::vector<HeldEvent>> due_held_events(SqlSession& sql, std::string_view now,
                                               std::int64_t limit) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows, sql.query(fmt::format("SELECT {} FROM held_events WHERE next_attempt_at <= ? "
                                       "ORDER BY next_attempt_at, event_id LIMIT ?",
                                       kColumns),
                           {std::string(now), limit}));
  return rows_to_events(rows);
}

Result<std::vector<HeldEvent>> list_held_events(SqlSession& sql, std::int64_t limit) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      sql.query(fmt::format("SELECT {} FROM held_events ORDER BY next_attempt_at, event_id LIMIT ?",
                            kColumns),
                {limit}));
  return rows_to_events(rows);
}

Result<Page<HeldEvent>> list_held_events_page(SqlSession& sql, const PageRequest& page) {
  KeysetQuery q;
  q.scope = "held-events;";
  q.columns = std::string(kColumns);
  q.from = "held_events";
  q.keys = {{R"(next_attempt_at COLLATE "C")", KeyType::kText},
            {R"(event_id COLLATE "C")", KeyType::kText}};
  LIFEBOAT_ASSIGN_OR_RETURN(Page<SqlRow> rows, run_keyset_query(sql, q, page));
  Page<HeldEvent> out;
  out.next_cursor = std::move(rows.next_cursor);
  LIFEBOAT_ASSIGN_OR_RETURN(out.items, rows_to_events(rows.items));
  return out;
}

Result<std::string> next_held_attempt(SqlSession& sql) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                            sql.query("SELECT MIN(next_attempt_at) FROM held_events", {}));
  if (rows.empty() || rows[0].is_null(0)) return std::string();
  return rows[0].text(0);
}

Status reschedule_held_event(SqlSession& sql, std::string_view event_id,
                             std::string_view next_attempt_at, std::int64_t attempts,
                             std::string_view last_error) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::int64_t n,
      sql.execute("UPDATE held_events SET next_attempt_at = ?, attempts = ?, last_error = ? "
                  "WHERE event_id = ?",
                  {std::string(next_attempt_at), attempts, std::string(last_error),
                   std::string(event_id)}));
  if (n == 0) return Status::not_found(fmt::format("event '{}' is not held", event_id));
  return Status::ok();
}

Status release_held_event(SqlSession& sql, std::string_view event_id) {
  return sql.execute("DELETE FROM held_events WHERE event_id = ?", {std::string(event_id)})
      .status();
}

core::Json held_event_to_json(const HeldEvent& e) {
  return core::Json{{"event_id", e.event_id},
                    {"event", e.event},
                    {"rule", e.rule},
                    {"held_at", e.held_at},
                    {"next_attempt_at", e.next_attempt_at},
                    {"deadline", e.deadline},
                    {"attempts", e.attempts},
                    {"last_error", e.last_error}};
}

}  // namespace lifeboat::store

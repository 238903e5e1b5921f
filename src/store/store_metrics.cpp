#include "store/store_metrics.h"

#include <chrono>

#include "core/time_format.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {
namespace {

using core::Status;
using WallTime = core::Clock::WallTime;

std::size_t status_index(std::string_view name) {
  auto parsed = parse_execution_status(name);
  return parsed.is_ok() ? static_cast<std::size_t>(*parsed) : 0;
}

// Top-level executions by status; stop_time at or after `since` when given. Times are RFC
// 3339 text of fixed width, so they compare as text.
core::Result<ExecutionCounts> execution_counts(SqlSession& sql,
                                               const std::optional<WallTime>& since) {
  std::string query = "SELECT status, COUNT(*) FROM executions WHERE parent_id IS NULL";
  std::vector<SqlValue> params;
  if (since) {
    query += " AND stop_time >= ?";
    params.emplace_back(core::format_rfc3339(*since));
  }
  query += " GROUP BY status";
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, sql.query(query, params));
  ExecutionCounts counts{};
  for (const auto& r : rows) {
    if (parse_execution_status(r.text(0)).is_ok()) counts[status_index(r.text(0))] += r.integer(1);
  }
  return counts;
}

// The 24 hours ending with now's, oldest first: finished top-level executions per hour,
// bucketed by the first 13 characters of stop_time ("2026-11-30T23").
core::Result<std::vector<HourlyFinished>> by_hour(SqlSession& sql, WallTime now) {
  const auto this_hour = std::chrono::floor<std::chrono::hours>(now);
  std::vector<HourlyFinished> hours(24);
  for (int i = 0; i < 24; ++i)
    hours[static_cast<std::size_t>(i)].hour = this_hour - std::chrono::hours(23 - i);
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows, sql.query("SELECT SUBSTR(stop_time, 1, 13), status, COUNT(*) FROM executions "
                           "WHERE parent_id IS NULL AND stop_time >= ? "
                           "GROUP BY SUBSTR(stop_time, 1, 13), status",
                           {core::format_rfc3339(hours.front().hour)}));
  for (const auto& r : rows) {
    auto hour = core::parse_rfc3339(r.text(0) + ":00:00.000Z");
    if (!hour.is_ok() || !parse_execution_status(r.text(1)).is_ok()) continue;
    const auto offset = std::chrono::duration_cast<std::chrono::hours>(*hour - hours.front().hour);
    if (offset.count() < 0 || offset.count() >= 24) continue;
    hours[static_cast<std::size_t>(offset.count())].counts[status_index(r.text(1))] += r.integer(2);
  }
  return hours;
}

core::Result<std::int64_t> single_integer(SqlSession& sql, std::string_view query,
                                          const std::vector<SqlValue>& params) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, sql.query(query, params));
  return rows.empty() ? 0 : rows.front().integer(0);
}

Status read_profiles(SqlSession& sql, ProfileCounts& out) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      sql.query("SELECT status, replication, COUNT(*) FROM profiles GROUP BY status, replication",
                {}));
  for (const auto& r : rows) {
    const bool on = r.integer(1) != 0;
    const std::string status = r.text(0);
    const std::int64_t n = r.integer(2);
    if (status == "active") {
      (on ? out.active_replicating : out.active_opted_out) += n;
    } else if (status == "pending") {
      (on ? out.pending_replicating : out.pending_opted_out) += n;
    } else {
      (on ? out.deleted_replicating : out.deleted_opted_out) += n;
    }
  }
  return Status::ok();
}

}  // namespace

core::Result<StoreMetrics> read_store_metrics(Store& store, std::string_view consumer,
                                              WallTime now) {
  StoreMetrics m;
  Status st = store.read([&](StoreTransaction& txn) -> Status {
    m = StoreMetrics{};
    SqlSession& sql = session_of(txn);
    LIFEBOAT_ASSIGN_OR_RETURN(m.executions, execution_counts(sql, std::nullopt));
    LIFEBOAT_ASSIGN_OR_RETURN(m.finished_last_24h,
                              execution_counts(sql, now - std::chrono::hours(24)));
    LIFEBOAT_ASSIGN_OR_RETURN(m.finished_last_7d,
                              execution_counts(sql, now - std::chrono::hours(24 * 7)));
    LIFEBOAT_ASSIGN_OR_RETURN(m.by_hour, by_hour(sql, now));
    LIFEBOAT_ASSIGN_OR_RETURN(
        m.dead_letters_pending,
        single_integer(sql, "SELECT COUNT(*) FROM dead_letters WHERE status = ?",
                       {std::string(kDeadLetterPending)}));
    LIFEBOAT_RETURN_IF_ERROR(read_profiles(sql, m.profiles));
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto transfers,
        sql.query("SELECT COUNT(*), CAST(COALESCE(SUM(bytes_transferred), 0) AS BIGINT), "
                  "CAST(COALESCE(SUM(files_transferred), 0) AS BIGINT) FROM transfers",
                  {}));
    if (!transfers.empty()) {
      m.transfers = transfers.front().integer(0);
      m.bytes_transferred = transfers.front().integer(1);
      m.files_transferred = transfers.front().integer(2);
    }
    LIFEBOAT_ASSIGN_OR_RETURN(
        m.last_change,
        single_integer(sql, "SELECT value FROM counters WHERE name = ?", {std::string("changes")}));
    LIFEBOAT_ASSIGN_OR_RETURN(
        m.consumer_checkpoint,
        single_integer(sql, "SELECT last_seq FROM change_consumers WHERE name = ?",
                       {std::string(consumer)}));
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return m;
}

}  // namespace lifeboat::store

#include "store/sqlite_session.h"

#include <chrono>
#include <cstring>
#include <thread>

#include <sqlite3.h>

#include <fmt/format.h>

namespace lifeboat::store {
namespace {

// Resets a cached statement however the caller leaves, so the next use starts clean and
// no read cursor keeps a snapshot open past the statement.
class StatementReset {
 public:
  explicit StatementReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StatementReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StatementReset(const StatementReset&) = delete;
  StatementReset& operator=(const StatementReset&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

std::string shorten(std::string_view sql) {
  std::string s(sql.substr(0, 80));
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > 80 ? s + "..." : s;
}

// Collation "C": byte order, shorter first on a common prefix — what PostgreSQL's "C"
// collation is, so statements and indexes that say COLLATE "C" read the same on both
// backends (schema_migrations.cpp, migration 7). SQLite's own BINARY is the same order
// under another name.
int compare_bytes(void* /*unused*/, int a_len, const void* a, int b_len, const void* b) {
  const int common = a_len < b_len ? a_len : b_len;
  const int c = common > 0 ? std::memcmp(a, b, static_cast<std::size_t>(common)) : 0;
  if (c != 0) return c;
  return a_len < b_len ? -1 : (a_len > b_len ? 1 : 0);
}

}  // namespace

core::Result<std::unique_ptr<SqliteSession>> SqliteSession::open(const std::string& path,
                                                                 int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return core::Status::unavailable(fmt::format(
        "cannot open the store '{}': {}; check the path and its permissions", path, msg));
  }
  std::unique_ptr<SqliteSession> session(new SqliteSession(db, path));
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_create_collation_v2(db, "C", SQLITE_UTF8, nullptr, &compare_bytes, nullptr);
  sqlite3_extended_result_codes(db, 1);
  // WAL lets readers and one writer work at once across processes; synchronous=FULL makes
  // every commit durable; foreign keys are off by default in SQLite.
  // Switching a new database to WAL takes an exclusive lock, and SQLite answers BUSY at
  // once (without the busy handler) when another process is switching or opening it at
  // the same moment: retry that step for up to the busy timeout.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  for (;;) {
    core::Status st = session->execute_script("PRAGMA journal_mode = WAL;");
    if (st.is_ok()) break;
    if (st.code() != core::StatusCode::kUnavailable ||
        std::chrono::steady_clock::now() >= deadline) {
      return st;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  LIFEBOAT_RETURN_IF_ERROR(
      session->execute_script("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"));
  return session;
}

SqliteSession::~SqliteSession() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

core::Status SqliteSession::error(int rc, std::string_view doing) const {
  std::string msg = fmt::format("store '{}': {}: {}", path_, doing, sqlite3_errmsg(db_));
  int primary = rc & 0xff;
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return core::Status::unavailable(msg + " (the database stayed locked; retry)");
    case SQLITE_FULL:
      return core::Status::no_space(msg);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        return core::Status::already_exists(msg);
      }
      return core::Status::invalid_argument(msg);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return core::Status::io_error(msg);
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return core::Status::permission_denied(msg);
    default:
      return core::Status::internal(msg);
  }
}

core::Result<sqlite3_stmt*> SqliteSession::prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, fmt::format("prepare '{}'", shorten(sql)));
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

core::Result<std::vector<SqlRow>> SqliteSession::query(std::string_view sql,
                                                       const std::vector<SqlValue>& params) {
  LIFEBOAT_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, prepare(sql));
  StatementReset reset(stmt);
  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != params.size()) {
    return core::Status::internal(fmt::format("'{}' takes {} parameters, {} given", shorten(sql),
                                              sqlite3_bind_parameter_count(stmt), params.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    int rc = SQLITE_OK;
    const SqlValue& v = params[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, idx, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_null(stmt, idx);
    }
    if (rc != SQLITE_OK)
      return error(rc, fmt::format("bind parameter {} of '{}'", idx, shorten(sql)));
  }
  std::vector<SqlRow> rows;
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error(rc, fmt::format("run '{}'", shorten(sql)));
    int n = sqlite3_column_count(stmt);
    std::vector<SqlValue> cells;
    cells.reserve(static_cast<std::size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          cells.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          cells.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_NULL:
          cells.emplace_back(nullptr);
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          int len = sqlite3_column_bytes(stmt, c);
          cells.emplace_back(
              std::string(text != nullptr ? text : "", static_cast<std::size_t>(len)));
        }
      }
    }
    rows.emplace_back(std::move(cells));
  }
  return rows;
}

core::Result<std::int64_t> SqliteSession::execute(std::string_view sql,
                                                  const std::vector<SqlValue>& params) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, query(sql, params));
  (void)rows;
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

core::Status SqliteSession::execute_script(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    core::Status st = error(rc, fmt::format("run '{}'", shorten(sql)));
    return {st.code(), fmt::format("store '{}': run '{}': {}", path_, shorten(sql), msg)};
  }
  return core::Status::ok();
}

core::Result<std::vector<SqlColumn>> SqliteSession::table_columns(std::string_view table) {
  // table_info takes its argument as a value, so the name is bound, not spliced; its
  // columns are cid, name, type, notnull, dflt_value, pk.
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", {std::string(table)}));
  return columns_from_rows(rows, path_, table);
}

}  // namespace lifeboat::store

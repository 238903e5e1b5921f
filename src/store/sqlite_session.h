// SqliteSession: SqlSession over one SQLite connection. Owns the connection and its cache
// of prepared statements. Not thread safe: SqliteStore serialises its use.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/sql_session.h"

struct sqlite3;
struct sqlite3_stmt;

namespace lifeboat::store {

class SqliteSession final : public SqlSession {
 public:
  //! Opens (creating if needed) the database file `path` with WAL, foreign keys and a
  //! busy timeout of `busy_timeout_ms`, so concurrent processes wait instead of failing.
  static core::Result<std::unique_ptr<SqliteSession>> open(const std::string& path,
                                                           int busy_timeout_ms);
  ~SqliteSession() override;
  SqliteSession(const SqliteSession&) = delete;
  SqliteSession& operator=(const SqliteSession&) = delete;

  core::Result<std::vector<SqlRow>> query(std::string_view sql,
                                          const std::vector<SqlValue>& params) override;
  core::Result<std::int64_t> execute(std::string_view sql,
                                     const std::vector<SqlValue>& params) override;
  core::Status execute_script(std::string_view sql) override;
  core::Result<std::vector<SqlColumn>> table_columns(std::string_view table) override;

  const std::string& path() const { return path_; }

 private:
  SqliteSession(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  core::Result<sqlite3_stmt*> prepare(std::string_view sql);
  core::Status error(int rc, std::string_view doing) const;

  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

}  // namespace lifeboat::store

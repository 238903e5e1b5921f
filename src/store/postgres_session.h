// PostgresSession: SqlSession over one libpq connection (PGconn). Owns the connection and
// its prepared statements. The portable SQL of sql_session.h is passed through with its
// `?` parameters rewritten to `$1, $2, ...`; parameters are sent as text and PostgreSQL
// infers their types from the statement. Result cells come back by column type: integer
// types (and booleans) as int64, float4/float8/numeric as double, NULL as nullptr,
// anything else as text — so SqlRow reads the same as on SQLite.
//
// Errors carry PostgreSQL's SQLSTATE and message and name the store by its masked URL
// (never the password). A unique violation (23505) is AlreadyExists, as SQLite's
// UNIQUE / PRIMARY KEY constraint errors are.
//
// Each distinct statement is prepared once per connection (named lifeboat_N) and reused;
// behind a pooler that hands one client several server sessions (PgBouncer in
// transaction mode) that needs the pooler's prepared-statement support.
//
// Not thread safe: PostgresStore serialises its use.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/sql_session.h"

struct pg_conn;
struct pg_result;

namespace lifeboat::store {

class PostgresSession final : public SqlSession {
 public:
  //! Connects to `url` (a libpq connection URL). `display` names the store in messages
  //! (the URL with its password masked). A failure is Unavailable (server unreachable)
  //! or PermissionDenied (authentication refused), with libpq's message and what to check.
  static core::Result<std::unique_ptr<PostgresSession>> connect(const std::string& url,
                                                                std::string display);
  ~PostgresSession() override;
  PostgresSession(const PostgresSession&) = delete;
  PostgresSession& operator=(const PostgresSession&) = delete;

  core::Result<std::vector<SqlRow>> query(std::string_view sql,
                                          const std::vector<SqlValue>& params) override;
  core::Result<std::int64_t> execute(std::string_view sql,
                                     const std::vector<SqlValue>& params) override;
  core::Status execute_script(std::string_view sql) override;
  core::Result<std::vector<SqlColumn>> table_columns(std::string_view table) override;
  std::string_view skip_locked_clause() const override { return " FOR UPDATE SKIP LOCKED"; }

  //! False once libpq has seen the connection break (until reconnect()).
  bool connected() const;
  //! Re-establishes the connection (PQreset) and forgets the prepared statements.
  core::Status reconnect();

  //! The SQLSTATE of the first statement that failed since the last call of
  //! clear_failure(), or "" (a lost connection reads as "08006"). The store uses it to
  //! retry serialization failures whatever the transaction function made of the error.
  const std::string& first_failure() const { return first_failure_; }
  void clear_failure() { first_failure_.clear(); }

  const std::string& display() const { return display_; }

 private:
  PostgresSession(pg_conn* conn, std::string display) : conn_(conn), display_(std::move(display)) {}
  core::Result<std::string> prepare(std::string_view sql, std::size_t param_count);
  core::Status result_error(const pg_result* result, std::string_view doing);

  pg_conn* conn_;
  std::string display_;
  std::map<std::string, std::string, std::less<>> statements_;  // SQL -> prepared name
  std::string first_failure_;
  std::int64_t last_changed_ = 0;  // rows the last statement changed (PQcmdTuples)
};

//! `sql` with each `?` outside quotes and comments replaced by `$1`, `$2`, ...; sets
//! `count` to the number of parameters. Exposed for its test.
std::string number_placeholders(std::string_view sql, std::size_t& count);

}  // namespace lifeboat::store

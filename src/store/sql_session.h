// SqlSession: the narrow SQL seam every store implementation provides (sqlite_session.h,
// postgres_session.h). Store logic (sql_store_transaction.h, execution stores, migrations)
// is written once against it in portable SQL:
//   - parameters are written `?` and bound positionally (the PostgreSQL session rewrites
//     them to $1, $2, ...); values are never spliced into SQL text;
//   - types: TEXT, BIGINT, INTEGER (booleans are 0/1), no AUTOINCREMENT / SERIAL: sequence
//     numbers come from the `counters` table (next_counter below);
//   - `INSERT ... ON CONFLICT (...) DO UPDATE` and `RETURNING` (both dialects have them).
// A session is used by one thread at a time, inside a transaction its Store opened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace lifeboat::store {

//! A bound parameter or a result cell: NULL, integer, real or text.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

//! NULL when `v` is empty, else its value (for optional columns).
SqlValue sql_optional(const std::optional<std::string>& v);
SqlValue sql_optional(const std::optional<std::int64_t>& v);

//! A column of a table, as table_columns() describes it.
struct SqlColumn {
  std::string name;
  //! Its position (1, 2, ...) in the table's primary key; 0 when it is not part of it.
  int primary_key_position = 0;

  bool operator==(const SqlColumn&) const = default;
};

//! One result row. Accessors do not throw: a NULL or mistyped cell reads as empty/0.
class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> cells) : cells_(std::move(cells)) {}

  std::size_t size() const { return cells_.size(); }
  bool is_null(std::size_t i) const;
  std::string text(std::size_t i) const;
  std::optional<std::string> optional_text(std::size_t i) const;
  std::int64_t integer(std::size_t i) const;
  std::optional<std::int64_t> optional_integer(std::size_t i) const;
  const SqlValue& cell(std::size_t i) const { return cells_.at(i); }

 private:
  std::vector<SqlValue> cells_;
};

class SqlSession {
 public:
  virtual ~SqlSession() = default;

  //! Runs one statement and returns its rows (none for DDL / DML without RETURNING).
  virtual core::Result<std::vector<SqlRow>> query(std::string_view sql,
                                                  const std::vector<SqlValue>& params) = 0;
  //! Runs one statement; returns the number of rows it changed.
  virtual core::Result<std::int64_t> execute(std::string_view sql,
                                             const std::vector<SqlValue>& params) = 0;
  //! Runs several `;`-separated statements without parameters (migrations).
  virtual core::Status execute_script(std::string_view sql) = 0;
  //! What a claiming SELECT appends to lock the rows it returns and pass over rows another
  //! transaction holds: " FOR UPDATE SKIP LOCKED" on PostgreSQL; "" on SQLite, where a
  //! write transaction holds the whole database anyway.
  virtual std::string_view skip_locked_clause() const { return ""; }
  //! The columns of `table` in declaration order, with their primary-key positions, for
  //! code that handles every table generically (store_copy.h). NotFound when the table
  //! does not exist. `table` is one of store_tables(), never input. SQLite answers from
  //! `PRAGMA table_info`; PostgreSQL from information_schema.columns (ordinal_position)
  //! joined with the PRIMARY KEY constraint's information_schema.key_column_usage
  //! (its ordinal_position), in the current schema.
  virtual core::Result<std::vector<SqlColumn>> table_columns(std::string_view table) = 0;
};

//! Increments the counter `name` in table `counters` and returns its new value. Because
//! the row is locked until commit, numbers are handed out in commit order.
core::Result<std::int64_t> next_counter(SqlSession& session, std::string_view name);

//! The answer of a table_columns() query whose rows are (name, primary-key position), in
//! declaration order; NotFound naming `store` and `table` when there are none.
core::Result<std::vector<SqlColumn>> columns_from_rows(const std::vector<SqlRow>& rows,
                                                       std::string_view store,
                                                       std::string_view table);

}  // namespace lifeboat::store

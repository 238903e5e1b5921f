#include "store/store_copy.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "store/schema_migrations.h"
#include "store/sql_store_transaction.h"

namespace lifeboat::store {
namespace {

using core::Result;
using core::Status;

constexpr std::string_view kSchemaMigrations = "schema_migrations";
constexpr std::string_view kCounters = "counters";

// A table's columns as the source declares them and the indexes of its primary key, in
// key order (keyset pagination needs a total order that survives between batches).
struct TableShape {
  std::vector<std::string> columns;
  std::vector<std::size_t> key;
};

Result<TableShape> shape_of(SqlSession& session, std::string_view table) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto columns, session.table_columns(table));
  TableShape shape;
  std::vector<std::pair<int, std::size_t>> key;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    shape.columns.push_back(columns[i].name);
    if (columns[i].primary_key_position > 0) key.emplace_back(columns[i].primary_key_position, i);
  }
  if (key.empty()) {
    return Status::internal(fmt::format(
        "table '{}' has no primary key; store copy needs one to read it in batches", table));
  }
  std::sort(key.begin(), key.end());
  for (const auto& [position, index] : key) shape.key.push_back(index);
  return shape;
}

std::string joined(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

Result<int> version_of(SqlSession& session) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                            session.query("SELECT MAX(version) FROM schema_migrations", {}));
  return rows.empty() ? 0 : static_cast<int>(rows.front().integer(0));
}

// Empty when the counters are those of a store nobody has written to yet (exactly the
// seeded ones, at 0); else what the refusal says about them.
Result<std::string> counters_beyond_seed(SqlSession& session) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, session.query("SELECT name, value FROM counters", {}));
  std::map<std::string, std::int64_t> seen;
  for (const auto& row : rows) seen[row.text(0)] = row.integer(1);
  std::map<std::string, std::int64_t> seed;
  for (std::string_view name : seeded_counters()) seed[std::string(name)] = 0;
  if (seen == seed) return std::string();
  std::vector<std::string> values;
  for (const auto& [name, value] : seen) values.push_back(fmt::format("{}={}", name, value));
  return fmt::format("table counters holds {} rows that are not a fresh store's: {}", rows.size(),
                     fmt::join(values, " "));
}

Status check_target_empty(SqlSession& target, std::string_view where) {
  std::vector<std::string> held;
  for (std::string_view table : store_tables()) {
    if (table == kSchemaMigrations) continue;
    if (table == kCounters) {
      LIFEBOAT_ASSIGN_OR_RETURN(std::string counters, counters_beyond_seed(target));
      if (!counters.empty()) held.push_back(std::move(counters));
      continue;
    }
    // The names are the constants of store_tables(), never input.
    LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                              target.query(fmt::format("SELECT COUNT(*) FROM {}", table), {}));
    const std::int64_t n = rows.empty() ? 0 : rows.front().integer(0);
    if (n > 0) held.push_back(fmt::format("table {} holds {} rows", table, n));
  }
  if (held.empty()) return Status::ok();
  return Status::failed_precondition(fmt::format(
      "the target store {} is not empty ({}); nothing was copied: copy into a new, empty "
      "store (a new SQLite file, or an empty PostgreSQL database)",
      where, fmt::join(held, ", ")));
}

// Streams `table` from `source` to `target` in batches ordered by primary key; returns
// how many rows it wrote.
Result<std::int64_t> copy_table(SqlSession& source, SqlSession& target, std::string_view table,
                                std::int64_t batch_rows) {
  LIFEBOAT_ASSIGN_OR_RETURN(TableShape shape, shape_of(source, table));
  std::vector<std::string> key_names;
  for (std::size_t i : shape.key) key_names.push_back(shape.columns[i]);
  const std::string columns = joined(shape.columns);
  const std::string order = joined(key_names);
  const std::string first_batch =
      fmt::format("SELECT {} FROM {} ORDER BY {} LIMIT ?", columns, table, order);
  // Row-value comparison continues after the last key read; SQLite and PostgreSQL both
  // have it, and it follows the same order as ORDER BY.
  const std::string next_batch =
      fmt::format("SELECT {} FROM {} WHERE ({}) > ({}) ORDER BY {} LIMIT ?", columns, table, order,
                  fmt::join(std::vector<std::string>(key_names.size(), "?"), ", "), order);
  const std::string insert =
      fmt::format("INSERT INTO {} ({}) VALUES ({})", table, columns,
                  fmt::join(std::vector<std::string>(shape.columns.size(), "?"), ", "));
  // Only the seeded counters can be here (check_target_empty): the source's replace them.
  LIFEBOAT_RETURN_IF_ERROR(target.execute(fmt::format("DELETE FROM {}", table), {}).status());

  std::int64_t copied = 0;
  std::vector<SqlValue> last_key;
  for (;;) {
    std::vector<SqlValue> params = last_key;
    params.emplace_back(batch_rows);
    LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                              source.query(last_key.empty() ? first_batch : next_batch, params));
    for (const SqlRow& row : rows) {
      std::vector<SqlValue> values;
      values.reserve(row.size());
      for (std::size_t i = 0; i < row.size(); ++i) values.push_back(row.cell(i));
      LIFEBOAT_RETURN_IF_ERROR(target.execute(insert, values).status());
    }
    copied += static_cast<std::int64_t>(rows.size());
    if (static_cast<std::int64_t>(rows.size()) < batch_rows) break;
    last_key.clear();
    for (std::size_t i : shape.key) last_key.push_back(rows.back().cell(i));
  }
  return copied;
}

}  // namespace

std::int64_t StoreCopyResult::total_rows() const {
  std::int64_t total = 0;
  for (const auto& t : tables) total += t.rows;
  return total;
}

Result<StoreCopyResult> copy_store(Store& from, Store& to, const StoreCopyOptions& options) {
  const std::string from_url = from.url();
  const std::string to_url = to.url();
  if (from_url == to_url) {
    return Status::failed_precondition(fmt::format(
        "cannot copy the store {} onto itself; name a different, empty target", from_url));
  }
  if (options.batch_rows <= 0) {
    return Status::invalid_argument("store copy: batch_rows must be positive");
  }
  StoreCopyResult result;
  // The target's write transaction is opened first and holds the source's read snapshot
  // inside it, so a failure anywhere rolls the target back to what it was.
  Status st = to.transact([&](StoreTransaction& to_txn) -> Status {
    SqlSession& target = session_of(to_txn);
    return from.read([&](StoreTransaction& from_txn) -> Status {
      SqlSession& source = session_of(from_txn);
      LIFEBOAT_ASSIGN_OR_RETURN(int from_version, version_of(source));
      LIFEBOAT_ASSIGN_OR_RETURN(int to_version, version_of(target));
      if (from_version != to_version) {
        return Status::failed_precondition(fmt::format(
            "the source store {} has schema version {} but the target {} has {}; nothing was "
            "copied: open both with the same lifeboat (which migrates them) and copy again",
            from_url, from_version, to_url, to_version));
      }
      LIFEBOAT_RETURN_IF_ERROR(check_target_empty(target, to_url));
      LIFEBOAT_ASSIGN_OR_RETURN(auto source_counts, from_txn.table_row_counts());
      for (std::string_view table : store_tables()) {
        if (table == kSchemaMigrations) continue;
        auto copied = copy_table(source, target, table, options.batch_rows);
        if (!copied.is_ok()) {
          return copied.status().with_context(fmt::format("copying table {}", table));
        }
        result.tables.push_back({std::string(table), *copied});
      }
      LIFEBOAT_ASSIGN_OR_RETURN(auto target_counts, to_txn.table_row_counts());
      const std::map<std::string, std::int64_t> target_rows_of(target_counts.begin(),
                                                               target_counts.end());
      for (const auto& [table, source_rows] : source_counts) {
        if (table == kSchemaMigrations) continue;
        auto it = target_rows_of.find(table);
        const std::int64_t target_rows = it == target_rows_of.end() ? -1 : it->second;
        if (target_rows != source_rows) {
          return Status::internal(fmt::format(
              "after copying, table {} holds {} rows in the target but {} in the source", table,
              target_rows, source_rows));
        }
      }
      return Status::ok();
    });
  });
  if (!st.is_ok()) {
    if (st.code() == core::StatusCode::kFailedPrecondition) return st;
    return st.with_context(
        fmt::format("store copy from {} to {} failed and was rolled back; the target is "
                    "unchanged",
                    from_url, to_url));
  }
  return result;
}

}  // namespace lifeboat::store

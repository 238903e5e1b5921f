#include "store/sql_session.h"

#include <fmt/format.h>

namespace lifeboat::store {

SqlValue sql_optional(const std::optional<std::string>& v) {
  return v ? SqlValue{*v} : SqlValue{nullptr};
}

SqlValue sql_optional(const std::optional<std::int64_t>& v) {
  return v ? SqlValue{*v} : SqlValue{nullptr};
}

bool SqlRow::is_null(std::size_t i) const {
  return std::holds_alternative<std::nullptr_t>(cells_.at(i));
}

std::string SqlRow::text(std::size_t i) const { return optional_text(i).value_or(""); }

std::optional<std::string> SqlRow::optional_text(std::size_t i) const {
  const SqlValue& v = cells_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return std::nullopt;
}

std::int64_t SqlRow::integer(std::size_t i) const { return optional_integer(i).value_or(0); }

std::optional<std::int64_t> SqlRow::optional_integer(std::size_t i) const {
  const SqlValue& v = cells_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  // A text cell (e.g. a number a query built as text) reads as an integer if it is one.
  if (const auto* s = std::get_if<std::string>(&v)) {
    try {
      std::size_t used = 0;
      long long n = std::stoll(*s, &used);
      if (used == s->size()) return static_cast<std::int64_t>(n);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

core::Result<std::int64_t> next_counter(SqlSession& session, std::string_view name) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      session.query("UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value",
                    {std::string(name)}));
  if (rows.empty()) {
    return core::Status::internal(
        fmt::format("counter '{}' is missing from table counters; the schema is damaged", name));
  }
  return rows.front().integer(0);
}

core::Result<std::vector<SqlColumn>> columns_from_rows(const std::vector<SqlRow>& rows,
                                                       std::string_view store,
                                                       std::string_view table) {
  if (rows.empty()) {
    return core::Status::not_found(fmt::format("store '{}' has no table '{}'", store, table));
  }
  std::vector<SqlColumn> columns;
  columns.reserve(rows.size());
  for (const auto& row : rows) {
    columns.push_back({row.text(0), static_cast<int>(row.integer(1))});
  }
  return columns;
}

}  // namespace lifeboat::store

// Keyset (seek) pagination for every list the store answers (docs/architecture.md "The
// store"): a page is the rows after the sort key of the previous page's last row, never an
// OFFSET, so each page costs the same however deep it is and a row inserted or deleted
// between pages neither repeats nor hides another.
//
// A cursor is opaque to clients: the sort key of the last row handed out plus a hash of
// the list, filters and sort it belongs to, hex-encoded. It is attacker input, so
// decode_cursor checks it strictly (size, alphabet, layout, the number and types of the
// key's values, the scope) and refuses anything else with InvalidArgument naming
// 'cursor'. A forged cursor can only move the start of a page the caller could read
// anyway. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql_session.h"

namespace lifeboat::store {

inline constexpr std::int64_t kDefaultPageLimit = 100;
inline constexpr std::int64_t kMaxPageLimit = 1000;
//! The longest cursor accepted (a cursor this code writes is far shorter).
inline constexpr std::size_t kMaxCursorLength = 2048;

//! Which page of a list to answer.
struct PageRequest {
  std::int64_t limit = kDefaultPageLimit;  //!< 1 … kMaxPageLimit
  std::string cursor;                      //!< "" for the first page, else a next_cursor
};

//! One page of a list.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  //!< "" on the last page
};

//! The type of one value of a sort key.
enum class KeyType { kText, kInteger };

//! A cursor for the row whose sort key is `key`, in the list described by `scope`.
std::string encode_cursor(std::string_view scope, const std::vector<SqlValue>& key);

//! The sort key `cursor` holds; InvalidArgument naming 'cursor' when it is malformed, its
//! values do not have `types`, or it was handed out for another scope.
core::Result<std::vector<SqlValue>> decode_cursor(std::string_view cursor, std::string_view scope,
                                                  const std::vector<KeyType>& types);

//! "name=<length>:value;": one filter or sort in a KeysetQuery's scope, unambiguous
//! whatever bytes `value` holds.
std::string scope_part(std::string_view name, std::string_view value);

//! InvalidArgument naming 'limit' unless 1 <= limit <= kMaxPageLimit.
core::Status check_page_limit(std::int64_t limit);

//! One column of a sort key: the SQL expression (with its COLLATE "C" for text, so both
//! backends order bytes alike and the matching index serves it) and its type.
struct SortColumn {
  std::string_view sql;
  KeyType type;
};

//! A SELECT to page through: `columns` FROM `from` WHERE every condition (each with its
//! `?` parameters in `params`, in order), ordered by `keys` (the last ones a unique
//! tie-breaker), ascending or descending. `scope` names the list, its filters and its
//! sort: a cursor is only accepted by a query of the same scope.
struct KeysetQuery {
  std::string scope;
  std::string columns;
  std::string from;
  std::vector<std::string> conditions;
  std::vector<SqlValue> params;
  std::vector<SortColumn> keys;
  bool descending = false;
};

//! Rows of one page: each row holds `columns` followed by the sort key; next_cursor is ""
//! on the last page.
core::Result<Page<SqlRow>> run_keyset_query(SqlSession& session, const KeysetQuery& query,
                                            const PageRequest& page);

}  // namespace lifeboat::store

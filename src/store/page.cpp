#include "store/page.h"

#include <fmt/format.h>

namespace lifeboat::store {
namespace {

using core::Result;
using core::Status;

constexpr std::string_view kCursorVersion = "c1:";
constexpr char kHexDigits[] = "0123456789abcdef";

// FNV-1a: a stable hash, so a cursor outlives a restart or an upgrade of the daemon. It
// only tells lists apart; it protects nothing (see the header).
std::uint64_t scope_hash(std::string_view scope) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : scope) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 0xF];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

Status bad_cursor(std::string_view why) {
  return Status::invalid_argument(
      fmt::format("parameter 'cursor' is not a cursor this list handed out ({}); pass the "
                  "nextCursor of the previous page unchanged, with the same filters and sort, "
                  "or leave it out to start again",
                  why));
}

// Reads the decimal digits (and a leading '-') of `text` from `pos` up to `end_char`.
bool read_integer(std::string_view text, std::size_t& pos, char end_char, std::int64_t& out) {
  const bool negative = pos < text.size() && text[pos] == '-';
  if (negative) ++pos;
  std::uint64_t value = 0;
  std::size_t digits = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    if (++digits > 19) return false;
    value = value * 10 + static_cast<std::uint64_t>(text[pos] - '0');
    ++pos;
  }
  if (digits == 0 || pos >= text.size() || text[pos] != end_char) return false;
  const std::uint64_t max = negative ? 9223372036854775808ULL : 9223372036854775807ULL;
  if (value > max) return false;
  out = negative ? static_cast<std::int64_t>(0 - value) : static_cast<std::int64_t>(value);
  ++pos;
  return true;
}

}  // namespace

std::string encode_cursor(std::string_view scope, const std::vector<SqlValue>& key) {
  std::string plain(kCursorVersion);
  plain += fmt::format("{:016x};", scope_hash(scope));
  for (const SqlValue& v : key) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      plain += fmt::format("i{};", *i);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      plain += fmt::format("t{}:", s->size());
      plain += *s;
    } else {
      plain += "t0:";  // a NULL key column sorts as the empty text; key columns are NOT NULL
    }
  }
  return hex(plain);
}

Result<std::vector<SqlValue>> decode_cursor(std::string_view cursor, std::string_view scope,
                                            const std::vector<KeyType>& types) {
  if (cursor.size() > kMaxCursorLength) {
    return bad_cursor(fmt::format("longer than {} characters", kMaxCursorLength));
  }
  if (cursor.size() % 2 != 0) return bad_cursor("odd length");
  std::string plain;
  plain.reserve(cursor.size() / 2);
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int hi = hex_value(cursor[i]);
    const int lo = hex_value(cursor[i + 1]);
    if (hi < 0 || lo < 0) return bad_cursor("not lower-case hexadecimal");
    plain += static_cast<char>(hi * 16 + lo);
  }
  const std::string expected_head = fmt::format("{}{:016x};", kCursorVersion, scope_hash(scope));
  if (plain.size() < expected_head.size() ||
      plain.compare(0, kCursorVersion.size(), kCursorVersion) != 0) {
    return bad_cursor("unknown layout");
  }
  if (plain.compare(0, expected_head.size(), expected_head) != 0) {
    return bad_cursor("it belongs to another list, filter or sort");
  }
  std::size_t pos = expected_head.size();
  std::vector<SqlValue> key;
  for (KeyType type : types) {
    if (pos >= plain.size()) return bad_cursor("too few key values");
    const char tag = plain[pos++];
    if (type == KeyType::kInteger) {
      std::int64_t value = 0;
      if (tag != 'i' || !read_integer(plain, pos, ';', value)) {
        return bad_cursor("a key value is not an integer");
      }
      key.emplace_back(value);
    } else {
      std::int64_t length = 0;
      if (tag != 't' || !read_integer(plain, pos, ':', length) || length < 0 ||
          static_cast<std::size_t>(length) > plain.size() - pos) {
        return bad_cursor("a key value is not text");
      }
      key.emplace_back(plain.substr(pos, static_cast<std::size_t>(length)));
      pos += static_cast<std::size_t>(length);
    }
  }
  if (pos != plain.size()) return bad_cursor("too many key values");
  return key;
}

std::string scope_part(std::string_view name, std::string_view value) {
  return fmt::format("{}={}:{};", name, value.size(), value);
}

Status check_page_limit(std::int64_t limit) {
  if (limit < 1 || limit > kMaxPageLimit) {
    return Status::invalid_argument(fmt::format(
        "parameter 'limit' must be a whole number from 1 to {}, not {}", kMaxPageLimit, limit));
  }
  return Status::ok();
}

Result<Page<SqlRow>> run_keyset_query(SqlSession& session, const KeysetQuery& q,
                                      const PageRequest& page) {
  LIFEBOAT_RETURN_IF_ERROR(check_page_limit(page.limit));
  std::vector<KeyType> types;
  std::string key_list;
  std::string order;
  const char* direction = q.descending ? " DESC" : " ASC";
  for (const SortColumn& k : q.keys) {
    types.push_back(k.type);
    if (!key_list.empty()) {
      key_list += ", ";
      order += ", ";
    }
    key_list += k.sql;
    order += k.sql;
    order += direction;
  }
  std::string sql = fmt::format("SELECT {}, {} FROM {} WHERE 1 = 1", q.columns, key_list, q.from);
  std::vector<SqlValue> params = q.params;
  for (const std::string& c : q.conditions) sql += " AND " + c;
  if (!page.cursor.empty()) {
    LIFEBOAT_ASSIGN_OR_RETURN(auto after, decode_cursor(page.cursor, q.scope, types));
    // "After (v1, v2, …)" spelled out rather than as a row value: SQLite seeks an index
    // for a row value only over plain columns, not over COLLATE "C" expressions, and
    // would scan from the start. `k1 >= v1` is the bound both planners seek to; the rest
    // orders the rows that tie on k1.
    const char* strict = q.descending ? "<" : ">";
    sql += fmt::format(" AND {} {}= ?", q.keys.front().sql, strict);
    params.push_back(after.front());
    std::string tail;
    for (std::size_t i = q.keys.size(); i-- > 0;) {
      tail = tail.empty() ? fmt::format("{} {} ?", q.keys[i].sql, strict)
                          : fmt::format("({} {} ? OR ({} = ? AND {}))", q.keys[i].sql, strict,
                                        q.keys[i].sql, tail);
    }
    sql += " AND " + tail;
    for (std::size_t i = 0; i < after.size(); ++i) {
      params.push_back(after[i]);
      if (i + 1 < after.size()) params.push_back(after[i]);
    }
  }
  sql += " ORDER BY " + order + " LIMIT ?";
  params.emplace_back(page.limit + 1);  // one more row says whether a next page exists
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, session.query(sql, params));
  Page<SqlRow> out;
  if (static_cast<std::int64_t>(rows.size()) > page.limit) {
    rows.erase(rows.begin() + page.limit, rows.end());
    const SqlRow& last = rows.back();
    std::vector<SqlValue> key;
    for (std::size_t i = last.size() - q.keys.size(); i < last.size(); ++i) {
      key.push_back(last.cell(i));
    }
    out.next_cursor = encode_cursor(q.scope, key);
  }
  out.items = std::move(rows);
  return out;
}

}  // namespace lifeboat::store

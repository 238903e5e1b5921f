#include "store/postgres_session.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>

#include <fmt/format.h>

#include "store/postgres_url.h"

namespace lifeboat::store {
namespace {

// Type OIDs of pg_type (stable since PostgreSQL 7): the columns read back as numbers.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// SQLSTATE standing for a connection that broke (libpq itself reports none then).
constexpr std::string_view kConnectionLost = "08006";

// Frees a PGresult however the caller leaves.
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string shorten(std::string_view sql) {
  std::string s(sql.substr(0, 80));
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > 80 ? s + "..." : s;
}

// libpq ends its messages with a newline (sometimes several lines): make them one line.
std::string one_line(std::string_view text) {
  std::string s(text);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

// PostgreSQL's NOTICEs ("relation ... already exists, skipping") are not for the user.
void ignore_notice(void* /*arg*/, const char* /*message*/) {}

core::StatusCode code_of(std::string_view sqlstate) {
  if (sqlstate == "23505") return core::StatusCode::kAlreadyExists;
  if (sqlstate == "53100") return core::StatusCode::kNoSpace;
  if (sqlstate == "42501" || sqlstate.starts_with("28")) return core::StatusCode::kPermissionDenied;
  if (sqlstate.starts_with("23")) return core::StatusCode::kInvalidArgument;
  // Serialization failures and deadlocks (40), connection trouble (08), too many
  // connections / out of resources (53), the server shutting down (57P), lock timeouts.
  if (sqlstate.starts_with("40") || sqlstate.starts_with("08") || sqlstate.starts_with("53") ||
      sqlstate.starts_with("57P") || sqlstate == "55P03") {
    return core::StatusCode::kUnavailable;
  }
  if (sqlstate.starts_with("58")) return core::StatusCode::kIoError;
  return core::StatusCode::kInternal;
}

std::string text_of(const SqlValue& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return {};
}

SqlValue cell_of(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const char* text = PQgetvalue(r, row, col);
  std::string_view value(text, static_cast<std::size_t>(PQgetlength(r, row, col)));
  switch (PQftype(r, col)) {
    case kBoolOid:
      return std::int64_t{value == "t" ? 1 : 0};
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      std::int64_t n = 0;
      std::from_chars(value.data(), value.data() + value.size(), n);
      return n;
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid:
      // strtod, not from_chars: "NaN" and "Infinity" are PostgreSQL's spellings too.
      return std::strtod(text, nullptr);
    default:
      return std::string(value);
  }
}

}  // namespace

std::string number_placeholders(std::string_view sql, std::size_t& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  std::size_t i = 0;
  // Copies sql[i..] up to and including the first `close` (or the end) unchanged.
  auto copy_through = [&](std::string_view close) {
    std::size_t end = sql.find(close, i);
    end = end == std::string_view::npos ? sql.size() : end + close.size();
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      // A doubled quote inside is the quote itself: two back-to-back quoted runs.
      out += c;
      ++i;
      copy_through(std::string_view(&c, 1));
    } else if (sql.substr(i, 2) == "--") {
      copy_through("\n");
    } else if (sql.substr(i, 2) == "/*") {
      copy_through("*/");
    } else if (c == '?') {
      out += fmt::format("${}", ++count);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

core::Result<std::unique_ptr<PostgresSession>> PostgresSession::connect(const std::string& url,
                                                                        std::string display) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    std::string why = parse_error != nullptr ? one_line(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return core::Status::invalid_argument(
        fmt::format("store URL '{}' is not a valid PostgreSQL connection URL: {}; the form is "
                    "postgresql://[user[:password]@][host][:port][/database][?param=value&...]",
                    display, hide_postgres_password(why, url)));
  }
  PQconninfoFree(options);
  // The URL is expanded as the dbname keyword, so what it says wins over the options
  // before it; the application name (pg_stat_activity) is only a fallback for one it does
  // not give. A session left idle inside a transaction (its daemon paused or cut off
  // mid-transaction) is ended by the server after 10 s, so the row locks it holds do not
  // stall every other daemon until it comes back (docs/architecture.md, "The store").
  const char* const keywords[] = {"options", "dbname", "fallback_application_name", nullptr};
  const char* const values[] = {"-c idle_in_transaction_session_timeout=10000", url.c_str(),
                                "lifeboat", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string why = conn != nullptr ? one_line(PQerrorMessage(conn)) : "out of memory";
    PQfinish(conn);
    return core::Status::unavailable(fmt::format(
        "cannot connect to the store '{}': {}; check that the server is running and accepts "
        "connections from this host (listen_addresses, pg_hba.conf), that the role and "
        "database exist, and the password (in the URL, PGPASSWORD or the password file "
        "~/.pgpass / PGPASSFILE)",
        display, hide_postgres_password(why, url)));
  }
  PQsetNoticeProcessor(conn, &ignore_notice, nullptr);
  // Every string Lifeboat stores is UTF-8, whatever the client's locale says.
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    std::string why = one_line(PQerrorMessage(conn));
    PQfinish(conn);
    return core::Status::unavailable(
        fmt::format("store '{}': cannot use UTF-8 on this connection: {}", display, why));
  }
  return std::unique_ptr<PostgresSession>(new PostgresSession(conn, std::move(display)));
}

PostgresSession::~PostgresSession() { PQfinish(conn_); }

bool PostgresSession::connected() const { return PQstatus(conn_) == CONNECTION_OK; }

core::Status PostgresSession::reconnect() {
  statements_.clear();  // prepared statements live and die with the server session
  PQreset(conn_);
  if (connected()) return core::Status::ok();
  return core::Status::unavailable(fmt::format(
      "store '{}': the connection broke and reconnecting failed: {}; check that the server is "
      "running",
      display_, one_line(PQerrorMessage(conn_))));
}

core::Status PostgresSession::result_error(const pg_result* result, std::string_view doing) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  if (sqlstate.empty() && !connected()) sqlstate = kConnectionLost;
  if (first_failure_.empty()) first_failure_ = sqlstate.empty() ? "XX000" : sqlstate;
  if (sqlstate == kConnectionLost && state == nullptr) {
    return core::Status::unavailable(
        fmt::format("store '{}': {}: the connection to the server was lost: {}", display_, doing,
                    one_line(PQerrorMessage(conn_))));
  }
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  std::string msg = fmt::format("store '{}': {}: {}", display_, doing,
                                primary != nullptr ? primary : one_line(PQerrorMessage(conn_)));
  if (detail != nullptr) msg += fmt::format(" ({})", detail);
  if (!sqlstate.empty()) msg += fmt::format(" [SQLSTATE {}]", sqlstate);
  return {code_of(sqlstate), std::move(msg)};
}

core::Result<std::string> PostgresSession::prepare(std::string_view sql, std::size_t param_count) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return it->second;
  std::size_t count = 0;
  std::string text = number_placeholders(sql, count);
  if (count != param_count) {
    return core::Status::internal(
        fmt::format("'{}' takes {} parameters, {} given", shorten(sql), count, param_count));
  }
  std::string name = fmt::format("lifeboat_{}", statements_.size() + 1);
  ResultPtr r(PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(param_count), nullptr));
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return result_error(r.get(), fmt::format("prepare '{}'", shorten(sql)));
  }
  statements_.emplace(std::string(sql), name);
  return name;
}

core::Result<std::vector<SqlRow>> PostgresSession::query(std::string_view sql,
                                                         const std::vector<SqlValue>& params) {
  LIFEBOAT_ASSIGN_OR_RETURN(std::string name, prepare(sql, params.size()));
  std::vector<std::string> texts;
  std::vector<const char*> values;
  texts.reserve(params.size());
  for (const SqlValue& v : params) texts.push_back(text_of(v));
  for (std::size_t i = 0; i < params.size(); ++i) {
    bool null = std::holds_alternative<std::nullptr_t>(params[i]);
    values.push_back(null ? nullptr : texts[i].c_str());
  }
  ResultPtr r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                             nullptr, nullptr, 0));
  ExecStatusType status = r != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return result_error(r.get(), fmt::format("run '{}'", shorten(sql)));
  }
  std::vector<SqlRow> rows;
  const int n_rows = PQntuples(r.get());
  const int n_cols = PQnfields(r.get());
  rows.reserve(static_cast<std::size_t>(n_rows));
  for (int row = 0; row < n_rows; ++row) {
    std::vector<SqlValue> cells;
    cells.reserve(static_cast<std::size_t>(n_cols));
    for (int col = 0; col < n_cols; ++col) cells.push_back(cell_of(r.get(), row, col));
    rows.emplace_back(std::move(cells));
  }
  last_changed_ = 0;
  std::string_view tuples = PQcmdTuples(r.get());
  std::from_chars(tuples.data(), tuples.data() + tuples.size(), last_changed_);
  return rows;
}

core::Result<std::int64_t> PostgresSession::execute(std::string_view sql,
                                                    const std::vector<SqlValue>& params) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, query(sql, params));
  (void)rows;
  return last_changed_;
}

core::Status PostgresSession::execute_script(std::string_view sql) {
  std::string text(sql);
  // PQexec runs every statement of the text and returns the last one's result; it stops
  // at the first that fails and returns that one's error.
  ResultPtr r(PQexec(conn_, text.c_str()));
  ExecStatusType status = r != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    return result_error(r.get(), fmt::format("run '{}'", shorten(sql)));
  }
  return core::Status::ok();
}

core::Result<std::vector<SqlColumn>> PostgresSession::table_columns(std::string_view table) {
  // Columns in declaration order, each with its place in the PRIMARY KEY (0: not in it),
  // from the current schema's catalogue; the name is bound, never spliced.
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      query("SELECT c.column_name, COALESCE(k.ordinal_position, 0) "
            "FROM information_schema.columns c "
            "LEFT JOIN information_schema.table_constraints tc "
            "ON tc.table_schema = c.table_schema AND tc.table_name = c.table_name "
            "AND tc.constraint_type = 'PRIMARY KEY' "
            "LEFT JOIN information_schema.key_column_usage k "
            "ON k.constraint_name = tc.constraint_name AND k.table_schema = c.table_schema "
            "AND k.table_name = c.table_name AND k.column_name = c.column_name "
            "WHERE c.table_schema = current_schema() AND c.table_name = ? "
            "ORDER BY c.ordinal_position",
            {std::string(table)}));
  return columns_from_rows(rows, display_, table);
}

}  // namespace lifeboat::store

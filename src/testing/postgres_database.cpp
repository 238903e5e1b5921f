#include "testing/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>

namespace lifeboat::testing {
namespace {

constexpr const char* kHowToRun =
    "run the PostgreSQL tests under ctest, which starts a server for them (e.g. ctest "
    "--preset default -R '^store\\.'), or start one with `scripts/test-postgres.sh start DIR` "
    "and set LIFEBOAT_TEST_POSTGRES=DIR";

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;

std::string read_admin_url() {
  const char* dir = std::getenv("LIFEBOAT_TEST_POSTGRES");  // NOLINT(concurrency-mt-unsafe)
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(std::string("LIFEBOAT_TEST_POSTGRES is not set: ") + kHowToRun);
  }
  std::ifstream in(std::string(dir) + "/url");
  std::string url;
  if (!std::getline(in, url) || url.empty()) {
    throw std::runtime_error(std::string("no PostgreSQL test server in ") + dir +
                             " (no url file): " + kHowToRun);
  }
  return url;
}

Conn connect(const std::string& url) {
  Conn conn(PQconnectdb(url.c_str()));
  if (conn == nullptr || PQstatus(conn.get()) != CONNECTION_OK) {
    std::string why = conn != nullptr ? PQerrorMessage(conn.get()) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    throw std::runtime_error("cannot reach the PostgreSQL test server " + url + ": " + why + "; " +
                             kHowToRun);
  }
  return conn;
}

// Runs `sql` (no parameters; names here are generated, never input) and returns the first
// cell, or "" if there is none.
std::string run(PGconn* conn, const std::string& sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn, sql.c_str()), &PQclear);
  ExecStatusType st = r != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    throw std::runtime_error(sql + ": " + PQerrorMessage(conn));
  }
  if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 && PQnfields(r.get()) > 0) {
    return PQgetvalue(r.get(), 0, 0);
  }
  return "";
}

std::string random_name() {
  std::random_device seed;
  std::mt19937_64 random(seed());
  constexpr std::string_view kDigits = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string name = "lifeboat_test_";
  for (int i = 0; i < 12; ++i) name += kDigits[random() % kDigits.size()];
  return name;
}

}  // namespace

std::string PostgresDatabase::with_database(const std::string& url, const std::string& database) {
  std::size_t authority = url.find("://");
  if (authority == std::string::npos) throw std::runtime_error("not a URL: " + url);
  authority += 3;
  std::size_t query = url.find('?', authority);
  std::size_t path = std::min(url.find('/', authority), query);
  if (path == std::string::npos) path = url.size();
  std::size_t path_end = query == std::string::npos ? url.size() : query;
  return url.substr(0, path) + "/" + database + url.substr(path_end);
}

PostgresDatabase::PostgresDatabase()
    : admin_url_(read_admin_url()), name_(random_name()), url_(with_database(admin_url_, name_)) {
  Conn admin = connect(admin_url_);
  run(admin.get(), "CREATE DATABASE " + name_);
}

PostgresDatabase::~PostgresDatabase() {
  try {
    Conn admin = connect(admin_url_);
    run(admin.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The server went first (ctest's postgres.stop removes it with everything in it).
  }
}

int PostgresDatabase::terminate_connections() const {
  Conn admin = connect(admin_url_);
  return std::stoi(run(admin.get(),
                       "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = '" +
                           name_ + "' AND pid <> pg_backend_pid()"));
}

}  // namespace lifeboat::testing

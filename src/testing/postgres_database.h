// PostgresDatabase: a fresh, empty PostgreSQL database for one test, on the throwaway
// server that ctest starts (fixture postgres.start, scripts/test-postgres.sh) and names
// in $LIFEBOAT_TEST_POSTGRES (a directory holding `url`, the server's admin URL).
//
// The constructor creates a database with a random name, so tests that ctest runs in
// parallel never share one; the destructor drops it (WITH (FORCE): connections a test
// left open do not keep it alive). If LIFEBOAT_TEST_POSTGRES is unset or the server
// cannot be reached, the constructor throws std::runtime_error saying how to start one:
// the test fails, it is not skipped.
//
// Test-only (src/testing/). Not thread safe.
#pragma once

#include <string>

namespace lifeboat::testing {

class PostgresDatabase {
 public:
  PostgresDatabase();
  ~PostgresDatabase();
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  //! postgresql://... naming this database, as open_store takes it.
  const std::string& url() const { return url_; }
  //! The database's name.
  const std::string& name() const { return name_; }
  //! The server's admin URL ($LIFEBOAT_TEST_POSTGRES/url).
  const std::string& admin_url() const { return admin_url_; }
  //! Ends every connection to this database from the server side (pg_terminate_backend),
  //! as a server restart or a network cut would; returns how many it ended.
  int terminate_connections() const;

  //! `url` with its database replaced by `database` (the path of a postgresql:// URL).
  static std::string with_database(const std::string& url, const std::string& database);

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace lifeboat::testing

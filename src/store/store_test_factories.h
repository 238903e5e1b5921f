// Test-only: the store factories the conformance suites (store_conformance_test.cpp,
// sql_execution_store_test.cpp) are typed over. Each opens a store at a fresh location
// (a scratch directory, a new PostgreSQL database) and can open a second handle on the
// same one (another connection, as another process would have). A new backend adds its
// factory here and to the suites' type lists.
#pragma once

#include <memory>
#include <string>

#include "store/open_store.h"
#include "testing/postgres_database.h"
#include "testing/temp_dir.h"

namespace lifeboat::store {

// kTablesSql lists the tables of the database, for the check that store_tables() is
// complete.
struct SqliteFactory {
  static constexpr const char* kName = "Sqlite";
  static constexpr const char* kTablesSql = "SELECT name FROM sqlite_master WHERE type = 'table'";
  lifeboat::testing::TempDir tmp{"lifeboat-store"};
  const std::string dir = tmp.path();
  core::Result<std::unique_ptr<Store>> open() { return open_store(sqlite_url_for_data_dir(dir)); }
};

//! Fails the test (throws) when no PostgreSQL test server runs: see postgres_database.h.
struct PostgresFactory {
  static constexpr const char* kName = "Postgres";
  static constexpr const char* kTablesSql =
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";
  lifeboat::testing::PostgresDatabase db;
  core::Result<std::unique_ptr<Store>> open() { return open_store(db.url()); }
};

//! Names the typed tests after the backend: StoreConformance/Postgres.ReopeningKeeps...
struct FactoryNames {
  template <typename Factory>
  static std::string GetName(int /*index*/) {
    return Factory::kName;
  }
};

}  // namespace lifeboat::store

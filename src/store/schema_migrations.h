// The store's schema, as numbered migrations recorded in table `schema_migrations`.
//
// To change the schema, APPEND a migration to the list in schema_migrations.cpp (next
// version number, a short name, portable SQL — see sql_session.h); never edit one that
// has shipped. A database whose version is newer than the last migration this binary
// knows is refused, so an old binary never writes to a schema it does not understand.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql_session.h"
#include "store/store.h"

namespace lifeboat::store {

struct Migration {
  int version;            //!< 1, 2, 3, ... without gaps
  std::string_view name;  //!< e.g. "registry"
  std::string_view sql;   //!< `;`-separated statements, no parameters
};

//! Every migration this binary knows, in version order.
const std::vector<Migration>& schema_migrations();

//! Every table the migrations create, in the order they appear (schema_migrations last).
//! A migration that adds a table adds its name here too (the conformance suite checks).
const std::vector<std::string_view>& store_tables();

//! The rows the migrations seed into `counters`, each at 0 (a migration that seeds a
//! counter adds it here too; store_copy_test checks a fresh store against this list).
//! A store whose counters are exactly these holds no data yet.
const std::vector<std::string_view>& seeded_counters();

//! The highest version in schema_migrations().
int latest_schema_version();

//! Creates `schema_migrations` if absent and returns the highest applied version (0 for
//! an empty database). Must run inside a transaction.
core::Result<int> current_schema_version(SqlSession& session);

//! The highest applied version, read in a read transaction of `store` (a SQL store of
//! this module); an error if the database has no schema_migrations table yet.
core::Result<int> applied_schema_version(Store& store);

//! Applies every migration above the database's version, recording each, inside the
//! caller's write transaction. Refuses (FailedPrecondition) a database newer than this
//! binary; `where` names the database in that message.
core::Status apply_migrations(SqlSession& session, std::string_view where);
//! The same with an explicit list (tests use it to check that a failing migration leaves
//! nothing behind once the caller's transaction rolls back).
core::Status apply_migrations(SqlSession& session, std::string_view where,
                              const std::vector<Migration>& migrations);

}  // namespace lifeboat::store

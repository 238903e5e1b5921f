// What `lifeboat store status` shows: where the store is, its schema version against the
// latest this binary knows, and how many rows each table holds — read in one snapshot.
//
// Extension point: execution leases (owner, expiry) arrive in a later migration. When that
// migration is in this tree, add `std::vector<LeaseStatus> leases;` to StoreStatus, fill
// it in store_status() from the lease columns, and add a "leases" array to
// store_status_to_json. Nothing else changes shape: the JSON is an object whose keys are
// only ever added to.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "store/store.h"

namespace lifeboat::store {

struct StoreStatus {
  std::string url;         //!< Store::url()
  int schema_version = 0;  //!< the highest migration applied to the database
  int latest_version = 0;  //!< the highest migration this binary knows
  //! Every table of store_tables() with its row count, in that order.
  std::vector<std::pair<std::string, std::int64_t>> table_rows;
};

//! Reads the status of `store` in one read transaction.
core::Result<StoreStatus> store_status(Store& store);

//! {"url", "schema_version", "latest_schema_version", "tables": {name: rows, ...}}.
core::Json store_status_to_json(const StoreStatus& status);

}  // namespace lifeboat::store

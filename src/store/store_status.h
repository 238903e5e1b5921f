// What `lifeboat store status` shows: where the store is, its schema version against the
// latest this binary knows, and how many rows each table holds — read in one snapshot —
// then the leases held (execution_leases.h): which daemon runs which execution until when,
// and who holds each named lease (the dispatcher). The JSON is an object whose keys are
// only ever added to.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "store/execution_leases.h"
#include "store/store.h"

namespace lifeboat::store {

struct StoreStatus {
  std::string url;         //!< Store::url()
  int schema_version = 0;  //!< the highest migration applied to the database
  int latest_version = 0;  //!< the highest migration this binary knows
  //! Every table of store_tables() with its row count, in that order.
  std::vector<std::pair<std::string, std::int64_t>> table_rows;
  std::vector<ExecutionLease> execution_leases;  //!< unexpired at `now`
  std::vector<NamedLease> named_leases;          //!< every one, expired or not
  core::Clock::WallTime now{};                   //!< when the leases were read
};

//! Reads the status of `store`: version and counts in one read transaction, then the
//! leases as of `now`.
core::Result<StoreStatus> store_status(Store& store, core::Clock::WallTime now);

//! {"url", "schema_version", "latest_schema_version", "tables": {name: rows, ...},
//!  "execution_leases": [{"execution_id", "owner", "token", "expires_at", "copy_volume"}],
//!  "named_leases": [{"name", "owner", "token", "expires_at", "expired"}]}.
core::Json store_status_to_json(const StoreStatus& status);

}  // namespace lifeboat::store

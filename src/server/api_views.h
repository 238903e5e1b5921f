// JSON views the HTTP API returns, built from store records. Pure functions (the ones
// taking a store read it in one transaction); thread safe.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/profile.h"
#include "core/result.h"
#include "store/execution_store.h"
#include "store/store.h"
#include "store/store_records.h"

namespace lifeboat::server {

//! Profile history rows, oldest first.
core::Json history_to_json(const std::vector<store::HistoryEntry>& entries);

//! Reads {"domainName": D, "kind": "user"|"space" (default user), "profileName": P} from
//! body[field]; InvalidArgument names the missing field (e.g. "source.profileName").
core::Result<core::ProfileKey> profile_key_from_json(const core::Json& body,
                                                     const std::string& field);

//! The newest transfers (at most `limit`).
core::Result<core::Json> transfers_json(store::Store& store, std::int64_t limit = 1000);

}  // namespace lifeboat::server

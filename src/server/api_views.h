// JSON views the HTTP API returns, built from store records. Pure functions (the ones
// taking a store read it in one transaction); thread safe.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/profile.h"
#include "core/result.h"
#include "store/execution_store.h"
#include "store/page.h"
#include "store/store.h"
#include "store/store_records.h"

namespace lifeboat::server {

//! Profile history rows, in the order given.
core::Json history_to_json(const std::vector<store::HistoryEntry>& entries);

//! Reads {"domainName": D, "kind": "user"|"space" (default user), "profileName": P} from
//! body[field]; InvalidArgument names the missing field (e.g. "source.profileName").
core::Result<core::ProfileKey> profile_key_from_json(const core::Json& body,
                                                     const std::string& field);

//! A next cursor as JSON: null when there is no next page.
core::Json next_cursor_json(const std::string& cursor);

//! The answer of a paged list (README "HTTP API"): {key: [to_json(item)...],
//! "nextCursor": the cursor of the next page, or null on the last page}.
template <typename T, typename ToJson>
core::Json page_json(const char* key, const store::Page<T>& page, ToJson to_json) {
  core::Json items = core::Json::array();
  for (const T& item : page.items) items.push_back(to_json(item));
  return core::Json{{key, std::move(items)}, {"nextCursor", next_cursor_json(page.next_cursor)}};
}

}  // namespace lifeboat::server

// The parameters of the paged lists (README "HTTP API", docs/architecture.md "The
// store"), read from an HTTP query or from the CLI's options put in the same form, so
// both accept exactly the same values and refuse the rest with the same message: every
// refusal is InvalidArgument naming the parameter and, for a choice, the allowed values.
// A parameter given empty counts as not given. Pure functions; thread safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/list_queries.h"
#include "store/page.h"

namespace lifeboat::server {

using ListParams = std::map<std::string, std::string>;

//! The parameters each list accepts (limit and cursor included).
extern const std::vector<std::string_view> kProfileListParams;
extern const std::vector<std::string_view> kHistoryListParams;
extern const std::vector<std::string_view> kExecutionListParams;
extern const std::vector<std::string_view> kTransferListParams;
extern const std::vector<std::string_view> kPlainListParams;  //!< limit, cursor

//! InvalidArgument naming the first parameter not in `allowed`, listing those.
core::Status check_known_params(const ListParams& params,
                                const std::vector<std::string_view>& allowed);

//! limit (default 100, 1..1000) and cursor (at most store::kMaxCursorLength characters).
core::Result<store::PageRequest> page_from_params(const ListParams& params);

//! domain, kind (user|space), status (active|deleted|pending), replication (on|off),
//! prefix (valid UTF-8 without control characters, at most 256 bytes),
//! sort (name|-name|updated|-updated).
core::Result<store::ProfileQuery> profile_query_from_params(const ListParams& params);

//! sort (-seq|seq); `fallback` when absent.
core::Result<store::HistorySort> history_sort_from_params(const ListParams& params,
                                                          store::HistorySort fallback);

//! status (RUNNING|SUCCEEDED|FAILED|ABORTED), profile (DOMAIN/KIND/NAME),
//! sort (-started|started).
core::Result<store::ExecutionQuery> execution_query_from_params(const ListParams& params);

//! status (SUCCESS|PARTIAL|ERROR), domain.
core::Result<store::TransferQuery> transfer_query_from_params(const ListParams& params);

}  // namespace lifeboat::server

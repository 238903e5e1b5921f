// What the store's paged lists select and how they sort (page.h): one struct per list,
// filled from HTTP query parameters or CLI options (server/list_params.h). A field left
// empty matches everything. Plain values; no thread-safety concerns.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/profile.h"
#include "core/result.h"
#include "store/execution_store.h"

namespace lifeboat::store {

//! The order of a profile listing; each has a unique tie-breaker (the rest of the key).
enum class ProfileSort {
  kName,         //!< "name": by name (bytes), then domain name, kind
  kNameDesc,     //!< "-name"
  kUpdated,      //!< "updated": by updated_at, then domain name, kind, name
  kUpdatedDesc,  //!< "-updated"
};
std::string_view profile_sort_name(ProfileSort sort);
//! InvalidArgument naming parameter 'sort' and the allowed values for anything else.
core::Result<ProfileSort> parse_profile_sort(std::string_view text);

//! The longest name prefix accepted (a profile name is far shorter).
inline constexpr std::size_t kMaxNamePrefixLength = 256;

struct ProfileQuery {
  std::optional<std::string> domain_name;
  std::optional<core::ProfileKind> kind;
  std::optional<core::ProfileStatus> status;
  std::optional<bool> replication;
  std::string name_prefix;  //!< profiles whose name starts with these bytes; "" = all
  ProfileSort sort = ProfileSort::kName;
};

//! The order of a history listing.
enum class HistorySort {
  kNewestFirst,  //!< "-seq" (the API's default)
  kOldestFirst,  //!< "seq" (the CLI's default, as it always printed)
};
std::string_view history_sort_name(HistorySort sort);
core::Result<HistorySort> parse_history_sort(std::string_view text);

struct TransferQuery {
  std::optional<std::string> status;  //!< a replication status (SUCCESS, PARTIAL, ERROR)
  std::optional<std::string> domain_name;
};

//! The order of an execution listing (ties by id, in the same direction).
enum class ExecutionSort {
  kNewestFirst,  //!< "-started" (the default)
  kOldestFirst,  //!< "started"
};
std::string_view execution_sort_name(ExecutionSort sort);
core::Result<ExecutionSort> parse_execution_sort(std::string_view text);

//! Top-level executions only (a Parallel/Map child is listed by its parent's detail).
struct ExecutionQuery {
  std::optional<ExecutionStatus> status;
  //! Executions about this profile: the ones whose input names it (domainName, kind,
  //! profileName: every recovery's input does).
  std::optional<core::ProfileKey> profile;
  ExecutionSort sort = ExecutionSort::kNewestFirst;
};

//! "domain/kind/name": how the executions table records the profile an execution is about.
std::string profile_key_text(const core::ProfileKey& key);

//! The profile an execution's input (JSON text) names with string fields domainName,
//! profileName and kind ("user" when absent), as profile_key_text; none otherwise.
std::optional<std::string> execution_profile_key(std::string_view input);

}  // namespace lifeboat::store

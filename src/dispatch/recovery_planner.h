// Recovery planning: the rule that turns one change of the profile stream into the input
// of one recovery execution, or into nothing.
//
// A change starts a recovery when (and only when): it is a MODIFY of an active profile;
// both images carry a home location and they differ (a recreation, or the creation of
// an add-target profile whose old image holds the pending source); the new image's
// replication flag is on; and both homes' volumes are known (mounted here). A flag
// toggle or a recorded result never qualifies: its old and new homes are equal.
//
// A change made by `lifeboat seed` never qualifies: seeding records what exists.
//
// The recovery copies with `overwrite older` (never clobbers what the user already wrote
// into the new home) unless the transfer defaults say otherwise. Owners: when the events
// named both the old and the new owner, the old one is mapped to the new one; otherwise
// `home` — the old home root's owner becomes the new home root's, as the platform created
// it (SageMaker Studio: HomeEfsFileSystemUid:100). Pure functions; thread safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/json.h"
#include "core/profile.h"
#include "core/result.h"
#include "store/store_records.h"

namespace lifeboat::dispatch {

//! Mount path of a volume id, or nullopt when the volume is not registered here.
using VolumeLookup = std::function<std::optional<std::string>(const std::string& volume_id)>;

//! What the administrator's configuration adds to every recovery.
struct RecoveryDefaults {
  core::Json transfer = core::Json::object();  //!< CopyOptions JSON (`[transfer]`)
  //! How long a recovery waits for the new home to appear (awaitTimeoutSeconds); unset:
  //! the workflow's own default (30 days in the shipped one).
  std::optional<std::int64_t> await_home_seconds;
  //! Where a volume not registered with `lifeboat volumes add` is mounted, e.g.
  //! "/mnt/efs/{volume_id}"; empty: only registered volumes are known.
  std::string volume_path_template;
};

//! The mount path `defaults.volume_path_template` gives volume `id` (empty template: nullopt).
std::optional<std::string> templated_volume_path(const RecoveryDefaults& defaults,
                                                 const std::string& id);

//! Why a change does or does not start a recovery.
struct RecoveryDecision {
  std::optional<core::Json> input;  //!< the execution input, when it starts one
  std::string reason;               //!< for logs: why not, or what it recovers
};

//! Applies the rule above to `change`. The input is what workflows/recovery.asl.json takes:
//! {domainName, kind, profileName, source, target (paths), options (CopyOptions JSON:
//! `defaults.transfer` plus overwrite older and the owner/group map), sourceHome,
//! targetHome, changeSeq, eventId, awaitTimeoutSeconds (when configured)}.
RecoveryDecision plan_recovery(const store::Change& change, const VolumeLookup& volumes,
                               const RecoveryDefaults& defaults);

//! Execution id for the recovery started by change `seq`: the same change always maps to
//! the same id, which is what makes a start idempotent.
std::string recovery_execution_id(std::int64_t seq);

}  // namespace lifeboat::dispatch

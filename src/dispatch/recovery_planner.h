// Recovery planning: the rule that turns one change of the profile stream into the input
// of one recovery execution, or into nothing.
//
// A change starts a recovery when (and only when): it is a MODIFY of an active profile;
// both images carry a home location and they differ (a recreation, or the creation of
// an add-target profile whose old image holds the pending source); the new image's
// replication flag is on; and both homes' volumes are known (mounted here). A flag
// toggle or a recorded result never qualifies: its old and new homes are equal.
//
// The recovery copies with `overwrite older` (never clobbers what the user already wrote
// into the new home) unless the transfer defaults say otherwise, and remaps the old
// home's owner to the new one when both are known. Pure functions; thread safe.
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

//! Why a change does or does not start a recovery.
struct RecoveryDecision {
  std::optional<core::Json> input;  //!< the execution input, when it starts one
  std::string reason;               //!< for logs: why not, or what it recovers
};

//! Applies the rule above to `change`. The input is what workflows/recovery.asl.json takes:
//! {domainName, kind, profileName, source, target (paths), options (CopyOptions JSON:
//! `transfer_defaults` plus overwrite older and the owner/group map), sourceHome,
//! targetHome, changeSeq, eventId}.
RecoveryDecision plan_recovery(const store::Change& change, const VolumeLookup& volumes,
                               const core::Json& transfer_defaults);

//! Execution id for the recovery started by change `seq`: the same change always maps to
//! the same id, which is what makes a start idempotent.
std::string recovery_execution_id(std::int64_t seq);

}  // namespace lifeboat::dispatch

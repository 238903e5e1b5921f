// Registry: applies platform events and administrators' actions to the store — who had
// which home, and what changed. Each call is ONE store transaction: the current
// profile row, its history row, its change-stream entry and the processed event id
// commit together or not at all.
//
// Rules (README "Rules the registry applies"): a profile key is (domain name, kind, name), so a
// user and a space of the same name never collide; a recreated key gets a MODIFY whose old image
// holds the previous home (or the pending source set by add-target) and whose new image
// holds the new one; the replication flag survives recreation; a flag change or a
// recorded result writes a MODIFY whose old and new homes are equal; the same event id
// twice is a duplicate; an event older than the last one applied to its key is recorded
// in history only; bad input is refused with the field named and nothing written.
// Events are trusted with which profile has which home, never with anything that would
// turn a recovery against someone (docs/security.md): a root owner (unless the policy
// allows it), a home that is another active profile's, a home invented by the delete of a
// profile never seen.
//
// Thread safety: as safe as the Store (calls serialise on it); several processes may
// apply events to one store at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/profile.h"
#include "core/profile_event.h"
#include "platform/platform_directory.h"
#include "store/store.h"

namespace lifeboat::registry {

enum class ApplyOutcome {
  kApplied,    //!< the event changed the registry
  kDuplicate,  //!< its id was applied before; nothing changed
  kStale,      //!< older than the last event of its key: in history only
  kRefused,    //!< bad input or not allowed; nothing written
};
//! "applied" / "duplicate" / "stale" / "refused".
std::string_view apply_outcome_name(ApplyOutcome outcome);

//! What an event may decide (docs/security.md). The defaults are the safe ones; the
//! administrator loosens them in the daemon's config.
struct EventPolicy {
  //! Let an event name uid or gid 0 as a home's owner: a recovery would then hand the
  //! old home's files to root.
  bool allow_root_owner = false;
};

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::kApplied;
  std::string message;                //!< what happened, or why it was refused
  std::vector<std::int64_t> changes;  //!< seq of every change written
};

class Registry {
 public:
  //! Borrows all three; they must outlive the Registry.
  Registry(store::Store& store, platform::PlatformDirectory& platform, const core::Clock& clock,
           EventPolicy policy = {})
      : store_(store), platform_(platform), clock_(clock), policy_(policy) {}

  //! The checks of apply() that need no store: the event's fields (validate_event) and
  //! the policy. InvalidArgument names the field. EventIntake runs it on a whole batch
  //! before applying any of it.
  core::Status check(const core::ProfileEvent& event) const;

  //! Applies one event. A refusal is an ApplyResult (kRefused, message naming the
  //! field); an error Status means the store or platform failed (nothing was written).
  core::Result<ApplyResult> apply(const core::ProfileEvent& event);

  //! Sets the administrator's replication flag of an existing profile. NotFound if the
  //! key is unknown. Writes a MODIFY (equal homes) and a history row when it changes.
  core::Result<core::Profile> set_replication(const core::ProfileKey& key, bool enabled);

  //! Points the not-yet-existing `target` at `source`'s home: its later creation pulls
  //! those files in. FailedPrecondition if the target exists; NotFound if the source is
  //! unknown or has no home location.
  core::Result<core::Profile> add_target(const core::ProfileKey& source,
                                         const core::ProfileKey& target);

  //! Notes when the platform created `key`'s current incarnation (reconciling found an
  //! active profile whose home matches but whose creation time was never recorded): the
  //! field only, no history or change row, since nothing the profile is changed.
  //! NotFound if the key is unknown.
  core::Status note_platform_created_at(const core::ProfileKey& key, std::string_view created_at);

  //! Records the outcome of a replication into `key`'s home (the workflow's
  //! recordResult task). NotFound if the key is unknown.
  core::Result<core::Profile> record_result(const core::ProfileKey& key,
                                            const core::ReplicationResult& result);

 private:
  store::Store& store_;
  platform::PlatformDirectory& platform_;
  const core::Clock& clock_;
  EventPolicy policy_;
};

}  // namespace lifeboat::registry

// EventEnricher: completes a platform's event that lacks what the registry needs before
// it can apply it — a CloudTrail record of CreateUserProfile or CreateSpace carries the
// domain id and the name, never the home (SageMaker keeps the home uid in
// DescribeUserProfile/DescribeSpace and the volume in DescribeDomain); a CreateDomain
// record carries no volume. Such an event is *held* in the store (held_events) and the
// platform is asked, with back-off, until it can say (the profile is InService and has a
// uid) or until the event's deadline passes. Holding keeps an event nobody can complete
// yet from holding up the others, and survives a restart.
//
// Settling a held event: complete → the registry applies it, then it is released (a crash
// in between re-applies it next time, which the registry reports as a duplicate); the
// platform no longer has the thing → released, its id recorded as "gone"; deadline passed
// → released, recorded as "expired" (reconciling still finds the profile later).
// Events whose source is not the catalog's, delete events, and creates that carry their
// home need nothing and are never held.
//
// Thread safety: run_due() must not run in two threads at once (the daemon runs it from
// one); hold() and needs() may be called from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/profile_event.h"
#include "core/result.h"
#include "platform/platform_catalog.h"
#include "registry/registry.h"
#include "store/store.h"

namespace lifeboat::sync {

struct EnrichOptions {
  //! How long a held event is asked about before it is given up.
  std::chrono::seconds give_up_after{3600};
  //! The first wait before asking again; doubled each time up to max_retry.
  std::chrono::seconds first_retry{2};
  std::chrono::seconds max_retry{300};
  //! Held events settled per run_due() call at most.
  int batch = 50;
};

enum class EnrichState {
  kComplete,  //!< `event` now carries what the registry needs
  kNotYet,    //!< the platform cannot say yet (not InService, no uid, no volume)
  kGone,      //!< the platform no longer has the profile or domain
};

struct Enrichment {
  EnrichState state = EnrichState::kNotYet;
  core::ProfileEvent event;  //!< the completed event when kComplete
  std::string reason;        //!< why not, for logs and `held_events.last_error`
};

//! What one run_due() call did.
struct EnrichPass {
  int applied = 0;                 //!< completed and applied (or found to be duplicates)
  int waiting = 0;                 //!< asked again later
  int gone = 0;                    //!< released: the platform no longer has it
  int expired = 0;                 //!< released: the deadline passed
  int refused = 0;                 //!< released: the registry refused the completed event
  std::vector<std::string> notes;  //!< one line per settled or failing event, for the log
};

class EventEnricher {
 public:
  //! Borrows everything; all must outlive the enricher.
  EventEnricher(platform::PlatformCatalog& catalog, store::Store& store,
                registry::Registry& registry, const core::Clock& clock, EnrichOptions options = {})
      : catalog_(catalog), store_(store), registry_(registry), clock_(clock), options_(options) {}

  //! Whether `event` must be completed from the platform before it is applied.
  bool needs(const core::ProfileEvent& event) const;

  //! Holds `event` (matched by event rule `rule`), due at once. False when an event with
  //! its id is held already.
  core::Result<bool> hold(const core::ProfileEvent& event, std::string_view rule);

  //! Asks the platform once. An error means asking failed (credentials, throttling past
  //! the client's retries, the network); the caller tries again later.
  core::Result<Enrichment> enrich(const core::ProfileEvent& event);

  //! Settles the held events that are due now (at most options.batch).
  core::Result<EnrichPass> run_due();

  //! When the next held event is due; nullopt when none is held.
  core::Result<std::optional<core::Clock::WallTime>> next_due();

 private:
  core::Result<std::string> domain_volume(const core::ProfileEvent& event, std::string& domain_name,
                                          std::string& not_yet);
  std::chrono::seconds retry_after(std::int64_t attempts) const;

  platform::PlatformCatalog& catalog_;
  store::Store& store_;
  registry::Registry& registry_;
  const core::Clock& clock_;
  EnrichOptions options_;
};

}  // namespace lifeboat::sync

// Reconciler: makes the registry agree with what the platform lists now, through the same
// path as an event (Registry::apply). It is both `lifeboat seed` (a domain that existed
// before Lifeboat: record every domain, user profile and space with its home, start no
// recovery) and the daemon's periodic safety net (a lost event, a daemon that was down,
// an account without an EventBridge rule still gets every recovery).
//
// One pass: list the domains; for each watched domain, list its user profiles and spaces
// (a page per 100) and Describe only the profiles whose creation time the registry has
// not recorded (new, recreated, or recorded from an event that did not say); then
//  - a profile the registry does not know, or knows with another home, gets a create
//    event dated at its CreationTime (a recreation: its recovery follows, unless seeding);
//  - an active profile the platform no longer lists (or lists as Deleting) gets a delete
//    event dated just after the last event the registry applied to it, so a recreation
//    the listing has not caught up with is never made stale;
//  - a domain the registry does not know (or knows without its volume) gets a CreateDomain
//    event; an active domain the platform no longer lists gets a DeleteDomain (dated just
//    after the last event applied to it or to a profile still in it), applied after
//    every profile event, so profiles that moved to a recreated domain of the same
//    name are recreated there (and recovered) rather than deleted first.
// Event ids are derived from what they record ("reconcile:" or "seed:" + type, domain id,
// name, creation time), so a second pass, or an event for the same creation, is a
// duplicate or changes nothing: never two recoveries for one recreation. A profile
// still Pending (no uid yet) is left for the next pass.
//
// Thread safety: one pass at a time per Reconciler; the registry serialises on the store.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"
#include "platform/platform_catalog.h"
#include "registry/registry.h"
#include "store/store.h"

namespace lifeboat::sync {

enum class SyncMode { kSeed, kReconcile };

struct ReconcileOptions {
  SyncMode mode = SyncMode::kReconcile;
  //! Domain ids or names to watch; empty: every domain the platform lists.
  std::vector<std::string> domains;
  //! Plan only: ask the platform, apply nothing.
  bool dry_run = false;
};

//! One thing a pass looked at.
struct SyncItem {
  std::string what;  //!< "domain", "user" or "space"
  std::string domain_id;
  std::string domain_name;
  std::string name;     //!< profile or space name; empty for a domain
  std::string action;   //!< recorded, recreated, deleted, unchanged, pending
  std::string home;     //!< "fs-1/200005" (domain: its volume), when known
  std::string outcome;  //!< applied, duplicate, stale, refused; "planned" in a dry run
  std::string message;
};

struct SyncReport {
  std::vector<SyncItem> items;
  int domains_listed = 0;
  int profiles_listed = 0;
  int describes = 0;  //!< Describe calls made (list pages are one per 100 listed)
};

class Reconciler {
 public:
  //! Borrows everything; all must outlive the reconciler.
  Reconciler(platform::PlatformCatalog& catalog, store::Store& store, registry::Registry& registry,
             const core::Clock& clock, ReconcileOptions options)
      : catalog_(catalog),
        store_(store),
        registry_(registry),
        clock_(clock),
        options_(std::move(options)) {}

  //! One pass. An error means the platform or the store could not be asked; what was
  //! applied before it stays applied (each event is its own transaction).
  core::Result<SyncReport> run();

 private:
  struct Pass;
  bool watched(const std::string& id, const std::string& name) const;

  platform::PlatformCatalog& catalog_;
  store::Store& store_;
  registry::Registry& registry_;
  const core::Clock& clock_;
  ReconcileOptions options_;
};

//! `report.items` (all, or only those whose action is not "unchanged") as JSON:
//! {"items": [...], "summary": {"recorded": n, ...}, "describes": n, ...}.
core::Json sync_report_to_json(const SyncReport& report, bool changes_only = false);

}  // namespace lifeboat::sync

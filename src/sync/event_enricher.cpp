#include "sync/event_enricher.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/time_format.h"
#include "store/held_events.h"

namespace lifeboat::sync {

using core::Result;
using core::Status;

namespace {

Enrichment not_yet(std::string reason) {
  return Enrichment{EnrichState::kNotYet, {}, std::move(reason)};
}
Enrichment gone(std::string reason) {
  return Enrichment{EnrichState::kGone, {}, std::move(reason)};
}

std::string what(const core::ProfileEvent& e) {
  if (e.is_domain_event()) return fmt::format("domain {}", e.domain_id);
  return fmt::format("{} {} of domain {}", core::profile_kind_name(e.kind()), e.profile_name,
                     e.domain_id);
}

}  // namespace

bool EventEnricher::needs(const core::ProfileEvent& e) const {
  if (!e.is_create() || e.source != catalog_.source()) return false;
  if (e.is_domain_event()) return e.home_volume_id.empty();
  return !e.home.has_value();
}

Result<bool> EventEnricher::hold(const core::ProfileEvent& event, std::string_view rule) {
  const auto now = clock_.now();
  store::HeldEvent held;
  held.event_id = event.id;
  held.event = core::event_to_json(event);
  held.rule = std::string(rule);
  held.held_at = core::format_rfc3339(now);
  held.next_attempt_at = held.held_at;
  held.deadline = core::format_rfc3339(now + options_.give_up_after);
  bool inserted = false;
  LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](store::StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(inserted, t.hold_event(held));
    return Status::ok();
  }));
  return inserted;
}

// The home volume of the event's domain, from the registry or else the platform; fills
// `domain_name` when the event lacks it. Empty with `not_yet` set when the platform
// cannot say yet; NotFound when the domain is gone.
Result<std::string> EventEnricher::domain_volume(const core::ProfileEvent& e,
                                                 std::string& domain_name, std::string& not_yet) {
  std::optional<core::Domain> known;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](store::StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(known, t.get_domain(e.domain_id));
    return Status::ok();
  }));
  if (known && known->status == core::DomainStatus::kActive && !known->home_volume_id.empty()) {
    if (domain_name.empty()) domain_name = known->name;
    return known->home_volume_id;
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto described, catalog_.describe_domain(e.domain_id));
  if (!described) {
    return Status::not_found(fmt::format("the platform no longer has domain {}", e.domain_id));
  }
  if (domain_name.empty()) domain_name = described->name;
  if (described->home_volume_id.empty()) {
    not_yet =
        fmt::format("domain {} has no home volume yet (status {})", e.domain_id, described->status);
  }
  return described->home_volume_id;
}

Result<Enrichment> EventEnricher::enrich(const core::ProfileEvent& event) {
  core::ProfileEvent e = event;
  if (!needs(e)) return Enrichment{EnrichState::kComplete, std::move(e), ""};
  if (e.is_domain_event()) {
    LIFEBOAT_ASSIGN_OR_RETURN(auto described, catalog_.describe_domain(e.domain_id));
    if (!described) return gone(fmt::format("the platform no longer has {}", what(e)));
    if (described->home_volume_id.empty()) {
      return not_yet(
          fmt::format("{} has no home volume yet (status {})", what(e), described->status));
    }
    e.home_volume_id = described->home_volume_id;
    if (e.domain_name.empty()) e.domain_name = described->name;
    return Enrichment{EnrichState::kComplete, std::move(e), ""};
  }
  std::string not_yet_reason;
  auto volume = domain_volume(e, e.domain_name, not_yet_reason);
  if (!volume.is_ok()) {
    if (volume.status().code() == core::StatusCode::kNotFound)
      return gone(volume.status().message());
    return volume.status();
  }
  if (!not_yet_reason.empty()) return not_yet(not_yet_reason);
  LIFEBOAT_ASSIGN_OR_RETURN(auto profile,
                            catalog_.describe_profile(e.domain_id, e.kind(), e.profile_name));
  if (!profile) return gone(fmt::format("the platform no longer has {}", what(e)));
  if (!platform::is_in_service(profile->status) || !profile->home_dir) {
    return not_yet(fmt::format("{} is {}{}", what(e), profile->status,
                               profile->home_dir ? "" : " and has no home uid yet"));
  }
  e.home = core::HomeLocation{*volume, *profile->home_dir};
  e.platform_created_at = profile->created_at;
  return Enrichment{EnrichState::kComplete, std::move(e), ""};
}

std::chrono::seconds EventEnricher::retry_after(std::int64_t attempts) const {
  auto wait = options_.first_retry;
  for (std::int64_t i = 1; i < attempts && wait < options_.max_retry; ++i) wait *= 2;
  return std::min(wait, options_.max_retry);
}

Result<EnrichPass> EventEnricher::run_due() {
  EnrichPass pass;
  std::vector<store::HeldEvent> due;
  const std::string now_text = core::format_rfc3339(clock_.now());
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](store::StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(due, t.due_held_events(now_text, options_.batch));
    return Status::ok();
  }));
  // Releases `held`, recording its id as processed with `outcome` so a resend is a
  // duplicate, in one transaction.
  auto release = [&](const store::HeldEvent& held, std::string_view outcome) -> Status {
    return store_.transact([&](store::StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(bool seen, t.is_event_processed(held.event_id));
      if (!seen) LIFEBOAT_RETURN_IF_ERROR(t.record_processed_event(held.event_id, outcome));
      return t.release_held_event(held.event_id);
    });
  };
  for (const store::HeldEvent& held : due) {
    auto parsed = core::event_from_json(held.event);
    if (!parsed.is_ok()) {
      // Only this code writes held events, so this is a store from another version.
      LIFEBOAT_RETURN_IF_ERROR(release(held, "refused"));
      ++pass.refused;
      pass.notes.push_back(fmt::format("held event '{}' cannot be read ({}); released",
                                       held.event_id, parsed.status().message()));
      continue;
    }
    const core::ProfileEvent& event = *parsed;
    const std::int64_t attempts = held.attempts + 1;
    auto enriched = enrich(event);
    if (enriched.is_ok() && enriched->state == EnrichState::kComplete) {
      LIFEBOAT_ASSIGN_OR_RETURN(auto applied, registry_.apply(enriched->event));
      if (applied.outcome == registry::ApplyOutcome::kRefused) {
        ++pass.refused;
        LIFEBOAT_RETURN_IF_ERROR(release(held, "refused"));
      } else {
        ++pass.applied;
        LIFEBOAT_RETURN_IF_ERROR(store_.transact(
            [&](store::StoreTransaction& t) { return t.release_held_event(held.event_id); }));
      }
      pass.notes.push_back(fmt::format("held event '{}' ({}): {} — {}", held.event_id, what(event),
                                       registry::apply_outcome_name(applied.outcome),
                                       applied.message));
      continue;
    }
    if (enriched.is_ok() && enriched->state == EnrichState::kGone) {
      ++pass.gone;
      LIFEBOAT_RETURN_IF_ERROR(release(held, "gone"));
      pass.notes.push_back(
          fmt::format("held event '{}' released: {}", held.event_id, enriched->reason));
      continue;
    }
    const std::string reason = enriched.is_ok() ? enriched->reason : enriched.status().message();
    const auto now = clock_.now();
    auto deadline = core::parse_rfc3339(held.deadline);
    if (!deadline.is_ok() || now >= *deadline) {
      ++pass.expired;
      LIFEBOAT_RETURN_IF_ERROR(release(held, "expired"));
      pass.notes.push_back(fmt::format(
          "held event '{}' ({}) given up after {} attempt(s): {}; reconciling will record the "
          "profile when the platform lists it",
          held.event_id, what(event), attempts, reason));
      continue;
    }
    ++pass.waiting;
    const auto next = std::min(now + retry_after(attempts), *deadline);
    LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](store::StoreTransaction& t) {
      return t.reschedule_held_event(held.event_id, core::format_rfc3339(next), attempts, reason);
    }));
    if (!enriched.is_ok()) {
      pass.notes.push_back(
          fmt::format("held event '{}': asking the platform failed: {}", held.event_id, reason));
    }
  }
  return pass;
}

Result<std::optional<core::Clock::WallTime>> EventEnricher::next_due() {
  std::string next;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](store::StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(next, t.next_held_attempt());
    return Status::ok();
  }));
  if (next.empty()) return std::optional<core::Clock::WallTime>{};
  LIFEBOAT_ASSIGN_OR_RETURN(auto when, core::parse_rfc3339(next));
  return std::optional<core::Clock::WallTime>{when};
}

}  // namespace lifeboat::sync

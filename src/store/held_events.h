// HeldEvents: the `held_events` table — platform events that could not be applied yet
// because the platform had still to say where the profile's home is (a SageMaker profile
// that is not InService, or has no home uid yet). The enricher asks again, with back-off,
// until the event's deadline; every held event is in the store, so a restart loses none.
// Functions over a SqlSession, so every SQL store shares them; they are the store's
// implementation of StoreTransaction's methods of the same names, which are what code
// above the store module calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "store/page.h"
#include "store/sql_session.h"

namespace lifeboat::store {

//! Migration 5 (listed in schema_migrations.cpp), with the profiles' platform_created_at.
extern const std::string_view kPlatformMigrationSql;

struct HeldEvent {
  std::string event_id;
  core::Json event;             //!< core::event_to_json of the event as received
  std::string rule;             //!< the event rule that matched it
  std::string held_at;          //!< RFC 3339
  std::string next_attempt_at;  //!< RFC 3339: when the enricher asks the platform again
  std::string deadline;         //!< RFC 3339: after this the event is given up
  std::int64_t attempts = 0;    //!< how many times the platform was asked
  std::string last_error;       //!< why the last attempt could not complete it

  bool operator==(const HeldEvent&) const = default;
};

//! Holds `event`; false (and nothing changes) when an event with its id is held already.
core::Result<bool> hold_event(SqlSession& sql, const HeldEvent& event);

//! Whether an event with this id is held.
core::Result<bool> is_event_held(SqlSession& sql, std::string_view event_id);

//! Up to `limit` held events whose next attempt is due at `now` (RFC 3339), soonest first.
core::Result<std::vector<HeldEvent>> due_held_events(SqlSession& sql, std::string_view now,
                                                     std::int64_t limit);

//! The most held events a listing shows (GET /v1/held-events, lifeboat events held); more
//! than this means the platform is failing, and the listing says so by being full.
inline constexpr std::int64_t kMaxHeldEventsListed = 1000;

//! All held events (at most `limit`), soonest next attempt first.
core::Result<std::vector<HeldEvent>> list_held_events(SqlSession& sql, std::int64_t limit);

//! One page of the held events, soonest next attempt first (ties by event id).
core::Result<Page<HeldEvent>> list_held_events_page(SqlSession& sql, const PageRequest& page);

//! The earliest next attempt of any held event; empty when none is held.
core::Result<std::string> next_held_attempt(SqlSession& sql);

//! Records an attempt that did not complete `event_id`. NotFound if it is not held.
core::Status reschedule_held_event(SqlSession& sql, std::string_view event_id,
                                   std::string_view next_attempt_at, std::int64_t attempts,
                                   std::string_view last_error);

//! Removes `event_id` (applied or given up). Removing an event not held is no error.
core::Status release_held_event(SqlSession& sql, std::string_view event_id);

//! A held event as users see it.
core::Json held_event_to_json(const HeldEvent& event);

}  // namespace lifeboat::store

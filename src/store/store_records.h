// Rows of the registry's append-only tables: profile history and the change stream.
// Plain values; no thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/profile.h"
#include "core/result.h"

namespace lifeboat::store {

//! The kind of a change, as DynamoDB Streams names it.
enum class ChangeOp { kInsert, kModify, kRemove };
std::string_view change_op_name(ChangeOp op);  //!< "INSERT" / "MODIFY" / "REMOVE"
core::Result<ChangeOp> parse_change_op(std::string_view text);

//! One entry of the change stream (the transactional outbox): written in the same
//! transaction as the profile row it describes.
struct Change {
  std::int64_t seq = 0;  //!< assigned by append_change; increasing in commit order
  std::string event_id;  //!< the event (or administrative action) that caused it
  core::ProfileKey key;
  ChangeOp op = ChangeOp::kModify;
  std::optional<core::Profile> old_image;  //!< absent for INSERT
  std::optional<core::Profile> new_image;  //!< absent for REMOVE
  std::string created_at;                  //!< RFC 3339

  bool operator==(const Change&) const = default;
};

//! Outcome recorded in history: the event changed the current row, or arrived late.
inline constexpr std::string_view kOutcomeApplied = "applied";
inline constexpr std::string_view kOutcomeStale = "stale";

//! One row of profile history: an event (or administrative action) applied to a key.
//! Never updated.
struct HistoryEntry {
  std::int64_t seq = 0;  //!< assigned by append_history
  std::string event_id;
  std::string event_type;   //!< e.g. CreateUserProfile, ReplicationDisabled
  std::string event_time;   //!< RFC 3339, the event's own time
  std::string recorded_at;  //!< RFC 3339, when it was recorded
  core::ProfileKey key;
  std::string outcome;  //!< kOutcomeApplied or kOutcomeStale
  core::Json detail;    //!< the event as JSON, or the action's parameters

  bool operator==(const HistoryEntry&) const = default;
};

//! JSON form of a history row (CLI and HTTP API): seq, event_id, event_type, event_time,
//! recorded_at, outcome, detail.
core::Json history_entry_to_json(const HistoryEntry& entry);

//! Selects profiles in list_profiles; an empty field matches everything.
struct ProfileFilter {
  std::optional<std::string> domain_name;
  std::optional<std::string> domain_id;
  std::optional<core::HomeLocation> home;  //!< profiles whose current home is this one
};

}  // namespace lifeboat::store

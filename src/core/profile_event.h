// ProfileEvent: one platform event about a domain or a profile, as the registry applies
// it (docs/architecture.md), plus the validation of the names it carries.
// Plain values; no thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/json.h"
#include "core/profile.h"
#include "core/result.h"

namespace lifeboat::core {

enum class EventType {
  kCreateDomain,
  kDeleteDomain,
  kCreateUserProfile,
  kDeleteUserProfile,
  kCreateSpace,
  kDeleteSpace,
};

//! The platform's name of the type, e.g. "CreateUserProfile".
std::string_view event_type_name(EventType type);
//! Parses a platform type name; the error names `field` and lists the accepted types.
Result<EventType> parse_event_type(std::string_view text, std::string_view field = "type");

//! The longest name SageMaker accepts for a domain, profile or space.
inline constexpr std::size_t kMaxNameLength = 63;

//! Refuses a name that is empty, longer than kMaxNameLength, or holds '/', NUL or "..":
//! such a name could escape a directory when used in a path. The message names `field`.
Status validate_name(std::string_view value, std::string_view field);

//! The event source of SageMaker's CloudTrail records; its home directory names are the
//! decimal uids SageMaker assigns (HomeEfsFileSystemUid).
inline constexpr std::string_view kSageMakerSource = "aws.sagemaker";

//! Refuses a home directory name that is not one plain directory entry: empty, ".",
//! "..", or holding '/' or NUL (docs/security.md). For `source` aws.sagemaker it must be
//! decimal digits. The message names `field`.
Status validate_home_dir_name(std::string_view value, std::string_view source,
                              std::string_view field);

//! The largest uid or gid an event may name: 4294967295 is (uid_t)-1, "no change" to
//! chown, and nothing larger fits a uid_t.
inline constexpr std::int64_t kMaxOwnerId = 4294967294;

struct ProfileEvent {
  std::string id;  //!< unique per event; the same id twice is a duplicate
  Clock::WallTime time{};
  EventType type = EventType::kCreateUserProfile;
  std::string domain_id;
  std::string domain_name;           //!< may be empty when the store knows the domain by id
  std::string profile_name;          //!< user profile or space name; empty for domain events
  std::optional<HomeLocation> home;  //!< the profile's home, if the event carries it
  std::string home_volume_id;        //!< CreateDomain: the domain's home volume, if given
  std::optional<std::int64_t> owner_uid;
  std::optional<std::int64_t> owner_gid;
  std::string source;  //!< where the event came from, e.g. "aws.sagemaker"
  //! Create events: when the platform created the profile (RFC 3339, milliseconds), when
  //! known (SageMaker's CreationTime, found by enrichment, seeding or reconciling).
  std::string platform_created_at;

  //! True for CreateDomain / DeleteDomain.
  bool is_domain_event() const;
  //! True for the Create* types.
  bool is_create() const;
  //! User or space; meaningful only when !is_domain_event().
  ProfileKind kind() const;
};

//! Event ids of `lifeboat seed` start with this; a change they cause starts no recovery.
inline constexpr std::string_view kSeedEventPrefix = "seed:";
//! Event ids of the daemon's reconciling start with this.
inline constexpr std::string_view kReconcileEventPrefix = "reconcile:";
//! Whether `event_id` was made by `lifeboat seed`.
bool is_seed_event_id(std::string_view event_id);
//! Whether an outside event may carry `event_id`: ids with the seed or reconcile prefix
//! are Lifeboat's own (an outsider's "seed:" event would suppress a recovery).
//! InvalidArgument names the field.
Status check_external_event_id(std::string_view event_id);

//! Checks every field an event of its type needs; names the first bad field. A profile
//! event may lack domain_name (resolved later from domain_id) but not both. Owner ids must
//! lie in 0..kMaxOwnerId (whether 0 is allowed is the registry's policy).
Status validate_event(const ProfileEvent& event);

//! JSON form of an event, recorded in history. Keys: id, time, type, domain_id,
//! domain_name, profile_name, efs_sys_id, efs_uid, home_volume_id, owner_uid, owner_gid,
//! source, platform_created_at (only when set).
Json event_to_json(const ProfileEvent& event);
//! Inverse of event_to_json; validates the result.
Result<ProfileEvent> event_from_json(const Json& json);

}  // namespace lifeboat::core

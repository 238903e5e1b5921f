// The registry's domain types: volumes, domains and profiles (docs/architecture.md),
// and their JSON images. The JSON field names follow the reference's DynamoDB columns
// where one exists (`domain_id`, `user_profile_name` / `space_name`, `efs_sys_id`,
// `efs_uid`, `replication`, `replication_status`, `bytes_written`, ...), so users of
// the reference recognise them. Plain values: copy freely, no thread-safety concerns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::core {

//! A profile is either a user profile or a shared space; the two never collide.
enum class ProfileKind { kUser, kSpace };

//! "user" or "space".
std::string_view profile_kind_name(ProfileKind kind);
//! Parses "user" / "space"; the error names `field`.
Result<ProfileKind> parse_profile_kind(std::string_view text, std::string_view field = "kind");

//! Identity of a profile: (domain name, kind, name). A domain that is deleted and
//! recreated under the same name keeps its profiles' keys.
struct ProfileKey {
  std::string domain_name;
  ProfileKind kind = ProfileKind::kUser;
  std::string name;

  bool operator==(const ProfileKey&) const = default;
  //! "demo/user/alice", for messages.
  std::string to_string() const;
};

//! Where a home directory lives: volume id + directory name on it (SageMaker's
//! HomeEfsFileSystemId / HomeEfsFileSystemUid).
struct HomeLocation {
  std::string volume_id;
  std::string dir_name;

  bool operator==(const HomeLocation&) const = default;
  //! "fs-1/200005", for messages.
  std::string to_string() const;
};

enum class ProfileStatus {
  kActive,   //!< exists on the platform
  kDeleted,  //!< deleted; its home location is kept as the backup pointer
  kPending,  //!< not created yet; named by add-target, carries a pending source
};
std::string_view profile_status_name(ProfileStatus status);
Result<ProfileStatus> parse_profile_status(std::string_view text);

enum class DomainStatus { kActive, kDeleted };
std::string_view domain_status_name(DomainStatus status);
Result<DomainStatus> parse_domain_status(std::string_view text);

//! The outcome of the last replication into a profile's home (DataSync's result fields).
struct ReplicationResult {
  std::string status;  //!< e.g. SUCCESS, ERROR, SKIPPED
  std::int64_t bytes_written = 0;
  std::int64_t bytes_transferred = 0;
  std::int64_t files_transferred = 0;
  std::int64_t duration_ms = 0;
  std::string execution_id;

  bool operator==(const ReplicationResult&) const = default;
};

struct Profile {
  ProfileKey key;
  std::string domain_id;
  std::optional<HomeLocation> home;  //!< unknown until the platform reports it
  std::optional<std::int64_t> owner_uid;
  std::optional<std::int64_t> owner_gid;
  bool replication = true;  //!< the administrator's flag
  //! The home a recovery copies from once this profile's own home is known: set by
  //! add-target, or by a recreation whose event did not say where the new home is.
  std::optional<HomeLocation> pending_source;
  ProfileStatus status = ProfileStatus::kActive;
  std::optional<ReplicationResult> last_replication;
  std::string last_event_time;  //!< RFC 3339, time of the last event applied to this key
  std::string updated_at;       //!< RFC 3339, when this row last changed
  //! RFC 3339 (milliseconds): when the platform says it created this incarnation of the
  //! profile (SageMaker's CreationTime); empty when no event or listing told. Reconciling
  //! asks the platform about a profile again only when this differs from what it lists.
  std::string platform_created_at;

  bool operator==(const Profile&) const = default;
};

struct Domain {
  std::string id;
  std::string name;
  std::string home_volume_id;  //!< may be empty when the platform did not say
  DomainStatus status = DomainStatus::kActive;
  std::string last_event_time;  //!< RFC 3339

  bool operator==(const Domain&) const = default;
};

struct Volume {
  std::string id;
  std::string mount_path;  //!< absolute path where the volume is mounted on this host

  bool operator==(const Volume&) const = default;
};

//! JSON image of a profile (the change stream's old/new images and `--output json`).
Json profile_to_json(const Profile& profile);
//! Inverse of profile_to_json; the error names the offending field.
Result<Profile> profile_from_json(const Json& json);

Json domain_to_json(const Domain& domain);
Result<Domain> domain_from_json(const Json& json);

Json volume_to_json(const Volume& volume);
Result<Volume> volume_from_json(const Json& json);

}  // namespace lifeboat::core

#include "core/profile.h"

#include "core/enum_names.h"

#include <fmt/format.h>

namespace lifeboat::core {
namespace {

constexpr std::string_view kWhere = "profile";

Json optional_string(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }

Result<std::optional<std::int64_t>> get_optional_int(const Json& obj, std::string_view key,
                                                     std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::int64_t>{};
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t v, get_int(obj, key, where));
  return std::optional<std::int64_t>{v};
}

Result<bool> get_bool(const Json& obj, std::string_view key, std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return Status::invalid_argument(fmt::format("missing field {}.{}", where, key));
  if (!it->is_boolean())
    return Status::invalid_argument(fmt::format("field {}.{} must be true or false", where, key));
  return it->get<bool>();
}

// A home location is stored as two sibling fields; both or neither must be present.
Result<std::optional<HomeLocation>> get_home(const Json& obj, std::string_view volume_key,
                                             std::string_view dir_key, std::string_view where) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto volume, get_optional_string(obj, volume_key, where));
  LIFEBOAT_ASSIGN_OR_RETURN(auto dir, get_optional_string(obj, dir_key, where));
  if (!volume && !dir) return std::optional<HomeLocation>{};
  if (!volume || !dir) {
    return Status::invalid_argument(fmt::format("field {}.{} needs {}.{} beside it", where,
                                                volume ? volume_key : dir_key, where,
                                                volume ? dir_key : volume_key));
  }
  return std::optional<HomeLocation>{HomeLocation{*volume, *dir}};
}

}  // namespace

template <>
struct EnumNames<ProfileKind> {
  static constexpr std::array<EnumName<ProfileKind>, 2> kNames{
      {{ProfileKind::kUser, "user"}, {ProfileKind::kSpace, "space"}}};
};

template <>
struct EnumNames<ProfileStatus> {
  static constexpr std::array<EnumName<ProfileStatus>, 3> kNames{
      {{ProfileStatus::kActive, "active"},
       {ProfileStatus::kDeleted, "deleted"},
       {ProfileStatus::kPending, "pending"}}};
};

template <>
struct EnumNames<DomainStatus> {
  static constexpr std::array<EnumName<DomainStatus>, 2> kNames{
      {{DomainStatus::kActive, "active"}, {DomainStatus::kDeleted, "deleted"}}};
};

std::string_view profile_kind_name(ProfileKind kind) { return name_of(kind); }

Result<ProfileKind> parse_profile_kind(std::string_view text, std::string_view field) {
  return parse_enum<ProfileKind>(text, field);
}

std::string ProfileKey::to_string() const {
  return fmt::format("{}/{}/{}", domain_name, profile_kind_name(kind), name);
}

std::string HomeLocation::to_string() const { return fmt::format("{}/{}", volume_id, dir_name); }

std::string_view profile_status_name(ProfileStatus status) { return name_of(status); }

Result<ProfileStatus> parse_profile_status(std::string_view text) {
  return parse_enum<ProfileStatus>(text, "profile status");
}

std::string_view domain_status_name(DomainStatus status) { return name_of(status); }

Result<DomainStatus> parse_domain_status(std::string_view text) {
  return parse_enum<DomainStatus>(text, "domain status");
}

Json profile_to_json(const Profile& p) {
  Json j = Json::object();
  j["domain_id"] = p.domain_id;
  j["domain_name"] = p.key.domain_name;
  j["kind"] = std::string(profile_kind_name(p.key.kind));
  j[p.key.kind == ProfileKind::kUser ? "user_profile_name" : "space_name"] = p.key.name;
  j["efs_sys_id"] = optional_string(p.home ? std::optional(p.home->volume_id) : std::nullopt);
  j["efs_uid"] = optional_string(p.home ? std::optional(p.home->dir_name) : std::nullopt);
  j["owner_uid"] = p.owner_uid ? Json(*p.owner_uid) : Json(nullptr);
  j["owner_gid"] = p.owner_gid ? Json(*p.owner_gid) : Json(nullptr);
  j["replication"] = p.replication;
  j["pending_source_efs_sys_id"] =
      optional_string(p.pending_source ? std::optional(p.pending_source->volume_id) : std::nullopt);
  j["pending_source_efs_uid"] =
      optional_string(p.pending_source ? std::optional(p.pending_source->dir_name) : std::nullopt);
  j["status"] = std::string(profile_status_name(p.status));
  if (p.last_replication) {
    const ReplicationResult& r = *p.last_replication;
    j["replication_status"] = r.status;
    j["bytes_written"] = r.bytes_written;
    j["bytes_transferred"] = r.bytes_transferred;
    j["files_transferred"] = r.files_transferred;
    j["total_duration_ms"] = r.duration_ms;
    j["execution_id"] = r.execution_id;
  } else {
    for (const char* k : {"replication_status", "bytes_written", "bytes_transferred",
                          "files_transferred", "total_duration_ms", "execution_id"}) {
      j[k] = nullptr;
    }
  }
  j["last_event_time"] = p.last_event_time;
  j["updated_at"] = p.updated_at;
  j["platform_created_at"] = optional_string(
      p.platform_created_at.empty() ? std::nullopt : std::optional(p.platform_created_at));
  return j;
}

Result<Profile> profile_from_json(const Json& j) {
  if (!j.is_object()) return Status::invalid_argument("profile image must be a JSON object");
  Profile p;
  LIFEBOAT_ASSIGN_OR_RETURN(p.domain_id, get_string(j, "domain_id", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(p.key.domain_name, get_string(j, "domain_name", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string kind, get_string(j, "kind", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(p.key.kind, parse_profile_kind(kind, "profile.kind"));
  LIFEBOAT_ASSIGN_OR_RETURN(
      p.key.name,
      get_string(j, p.key.kind == ProfileKind::kUser ? "user_profile_name" : "space_name", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(p.home, get_home(j, "efs_sys_id", "efs_uid", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(p.owner_uid, get_optional_int(j, "owner_uid", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(p.owner_gid, get_optional_int(j, "owner_gid", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(p.replication, get_bool(j, "replication", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(
      p.pending_source, get_home(j, "pending_source_efs_sys_id", "pending_source_efs_uid", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string status, get_string(j, "status", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(p.status, parse_profile_status(status));
  LIFEBOAT_ASSIGN_OR_RETURN(auto rstatus, get_optional_string(j, "replication_status", kWhere));
  if (rstatus) {
    ReplicationResult r;
    r.status = *rstatus;
    LIFEBOAT_ASSIGN_OR_RETURN(r.bytes_written, get_int(j, "bytes_written", kWhere));
    LIFEBOAT_ASSIGN_OR_RETURN(r.bytes_transferred, get_int(j, "bytes_transferred", kWhere));
    LIFEBOAT_ASSIGN_OR_RETURN(r.files_transferred, get_int(j, "files_transferred", kWhere));
    LIFEBOAT_ASSIGN_OR_RETURN(r.duration_ms, get_int(j, "total_duration_ms", kWhere));
    LIFEBOAT_ASSIGN_OR_RETURN(auto exec, get_optional_string(j, "execution_id", kWhere));
    r.execution_id = exec.value_or("");
    p.last_replication = r;
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto let, get_optional_string(j, "last_event_time", kWhere));
  p.last_event_time = let.value_or("");
  LIFEBOAT_ASSIGN_OR_RETURN(auto upd, get_optional_string(j, "updated_at", kWhere));
  p.updated_at = upd.value_or("");
  LIFEBOAT_ASSIGN_OR_RETURN(auto created, get_optional_string(j, "platform_created_at", kWhere));
  p.platform_created_at = created.value_or("");
  return p;
}

Json domain_to_json(const Domain& d) {
  return Json{{"domain_id", d.id},
              {"domain_name", d.name},
              {"efs_sys_id", d.home_volume_id},
              {"status", std::string(domain_status_name(d.status))},
              {"last_event_time", d.last_event_time}};
}

Result<Domain> domain_from_json(const Json& j) {
  constexpr std::string_view kDomain = "domain";
  Domain d;
  LIFEBOAT_ASSIGN_OR_RETURN(d.id, get_string(j, "domain_id", kDomain));
  LIFEBOAT_ASSIGN_OR_RETURN(d.name, get_string(j, "domain_name", kDomain));
  LIFEBOAT_ASSIGN_OR_RETURN(auto vol, get_optional_string(j, "efs_sys_id", kDomain));
  d.home_volume_id = vol.value_or("");
  LIFEBOAT_ASSIGN_OR_RETURN(std::string status, get_string(j, "status", kDomain));
  LIFEBOAT_ASSIGN_OR_RETURN(d.status, parse_domain_status(status));
  LIFEBOAT_ASSIGN_OR_RETURN(auto let, get_optional_string(j, "last_event_time", kDomain));
  d.last_event_time = let.value_or("");
  return d;
}

Json volume_to_json(const Volume& v) {
  return Json{{"efs_sys_id", v.id}, {"mount_path", v.mount_path}};
}

Result<Volume> volume_from_json(const Json& j) {
  constexpr std::string_view kVolume = "volume";
  Volume v;
  LIFEBOAT_ASSIGN_OR_RETURN(v.id, get_string(j, "efs_sys_id", kVolume));
  LIFEBOAT_ASSIGN_OR_RETURN(v.mount_path, get_string(j, "mount_path", kVolume));
  return v;
}

}  // namespace lifeboat::core

#include "core/profile_event.h"

#include <array>

#include <fmt/format.h>

#include "core/enum_names.h"
#include "core/time_format.h"

namespace lifeboat::core {

template <>
struct EnumNames<EventType> {
  static constexpr std::array<EnumName<EventType>, 6> kNames{{
      {EventType::kCreateDomain, "CreateDomain"},
      {EventType::kDeleteDomain, "DeleteDomain"},
      {EventType::kCreateUserProfile, "CreateUserProfile"},
      {EventType::kDeleteUserProfile, "DeleteUserProfile"},
      {EventType::kCreateSpace, "CreateSpace"},
      {EventType::kDeleteSpace, "DeleteSpace"},
  }};
};

namespace {

// Identifiers that are not path components (event ids, domain ids) only need to be
// present and printable-sized; NUL would truncate them in C APIs.
Status validate_id(std::string_view value, std::string_view field) {
  if (value.empty()) return Status::invalid_argument(fmt::format("missing field {}", field));
  if (value.size() > 256) {
    return Status::invalid_argument(fmt::format("field {} is longer than 256 characters", field));
  }
  if (value.find('\0') != std::string_view::npos) {
    return Status::invalid_argument(fmt::format("field {} must not contain NUL", field));
  }
  return Status::ok();
}

}  // namespace

std::string_view event_type_name(EventType type) { return name_of(type); }

Result<EventType> parse_event_type(std::string_view text, std::string_view field) {
  if (std::optional<EventType> type = find_enum<EventType>(text)) return *type;
  return Status::invalid_argument(fmt::format("field {}: unknown event type '{}'; expected {}",
                                              field, text, enum_choices<EventType>()));
}

Status validate_name(std::string_view value, std::string_view field) {
  if (value.empty()) return Status::invalid_argument(fmt::format("missing field {}", field));
  if (value.find('\0') != std::string_view::npos) {
    return Status::invalid_argument(fmt::format("field {} must not contain NUL", field));
  }
  if (value.find('/') != std::string_view::npos) {
    return Status::invalid_argument(
        fmt::format("field {} must not contain '/': '{}'", field, value));
  }
  if (value.find("..") != std::string_view::npos) {
    return Status::invalid_argument(
        fmt::format("field {} must not contain '..': '{}'", field, value));
  }
  if (value.size() > kMaxNameLength) {
    return Status::invalid_argument(fmt::format("field {} is {} characters long; at most {}", field,
                                                value.size(), kMaxNameLength));
  }
  return Status::ok();
}

Status validate_home_dir_name(std::string_view value, std::string_view source,
                              std::string_view field) {
  LIFEBOAT_RETURN_IF_ERROR(validate_name(value, field));
  if (value == ".") {
    return Status::invalid_argument(fmt::format(
        "field {} is '.': a home directory name must name one directory, not the volume root",
        field));
  }
  if (source == kSageMakerSource &&
      value.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::invalid_argument(fmt::format(
        "field {} is '{}': SageMaker home directories are named by decimal uids", field, value));
  }
  return Status::ok();
}

namespace {

Status validate_owner_id(const std::optional<std::int64_t>& id, std::string_view field) {
  if (!id) return Status::ok();
  if (*id < 0) return Status::invalid_argument(fmt::format("field {} must not be negative", field));
  if (*id > kMaxOwnerId) {
    return Status::invalid_argument(
        fmt::format("field {} is {}: an owner id is at most {}", field, *id, kMaxOwnerId));
  }
  return Status::ok();
}

}  // namespace

bool ProfileEvent::is_domain_event() const {
  return type == EventType::kCreateDomain || type == EventType::kDeleteDomain;
}

bool ProfileEvent::is_create() const {
  return type == EventType::kCreateDomain || type == EventType::kCreateUserProfile ||
         type == EventType::kCreateSpace;
}

ProfileKind ProfileEvent::kind() const {
  return type == EventType::kCreateSpace || type == EventType::kDeleteSpace ? ProfileKind::kSpace
                                                                            : ProfileKind::kUser;
}

bool is_seed_event_id(std::string_view event_id) {
  return event_id.substr(0, kSeedEventPrefix.size()) == kSeedEventPrefix;
}

Status check_external_event_id(std::string_view event_id) {
  for (std::string_view prefix : {kSeedEventPrefix, kReconcileEventPrefix}) {
    if (event_id.substr(0, prefix.size()) == prefix) {
      return Status::invalid_argument(
          fmt::format("field id '{}' starts with '{}', which Lifeboat keeps for its own events "
                      "(seeding and reconciling); give the event another id",
                      event_id, prefix));
    }
  }
  return Status::ok();
}

Status validate_event(const ProfileEvent& e) {
  LIFEBOAT_RETURN_IF_ERROR(validate_id(e.id, "id"));
  LIFEBOAT_RETURN_IF_ERROR(validate_id(e.domain_id, "domainId"));
  if (e.type == EventType::kCreateDomain || !e.domain_name.empty()) {
    LIFEBOAT_RETURN_IF_ERROR(validate_name(e.domain_name, "domainName"));
  }
  if (!e.is_domain_event()) {
    LIFEBOAT_RETURN_IF_ERROR(validate_name(
        e.profile_name, e.kind() == ProfileKind::kUser ? "userProfileName" : "spaceName"));
  }
  if (e.home) {
    LIFEBOAT_RETURN_IF_ERROR(validate_name(e.home->volume_id, "homeEfsFileSystemId"));
    LIFEBOAT_RETURN_IF_ERROR(
        validate_home_dir_name(e.home->dir_name, e.source, "homeEfsFileSystemUid"));
  }
  if (!e.home_volume_id.empty()) {
    LIFEBOAT_RETURN_IF_ERROR(validate_name(e.home_volume_id, "homeEfsFileSystemId"));
  }
  LIFEBOAT_RETURN_IF_ERROR(validate_owner_id(e.owner_uid, "ownerUid"));
  return validate_owner_id(e.owner_gid, "ownerGid");
}

Json event_to_json(const ProfileEvent& e) {
  Json j = Json::object();
  j["id"] = e.id;
  j["time"] = format_rfc3339(e.time);
  j["type"] = std::string(event_type_name(e.type));
  j["domain_id"] = e.domain_id;
  j["domain_name"] = e.domain_name;
  j["profile_name"] = e.profile_name;
  j["efs_sys_id"] = e.home ? Json(e.home->volume_id) : Json(nullptr);
  j["efs_uid"] = e.home ? Json(e.home->dir_name) : Json(nullptr);
  j["home_volume_id"] = e.home_volume_id;
  j["owner_uid"] = e.owner_uid ? Json(*e.owner_uid) : Json(nullptr);
  j["owner_gid"] = e.owner_gid ? Json(*e.owner_gid) : Json(nullptr);
  j["source"] = e.source;
  if (!e.platform_created_at.empty()) j["platform_created_at"] = e.platform_created_at;
  return j;
}

Result<ProfileEvent> event_from_json(const Json& j) {
  constexpr std::string_view kWhere = "event";
  ProfileEvent e;
  LIFEBOAT_ASSIGN_OR_RETURN(e.id, get_string(j, "id", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string time, get_string(j, "time", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(e.time, parse_rfc3339(time));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string type, get_string(j, "type", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(e.type, parse_event_type(type, "event.type"));
  LIFEBOAT_ASSIGN_OR_RETURN(e.domain_id, get_string(j, "domain_id", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(auto dn, get_optional_string(j, "domain_name", kWhere));
  e.domain_name = dn.value_or("");
  LIFEBOAT_ASSIGN_OR_RETURN(auto pn, get_optional_string(j, "profile_name", kWhere));
  e.profile_name = pn.value_or("");
  LIFEBOAT_ASSIGN_OR_RETURN(auto vol, get_optional_string(j, "efs_sys_id", kWhere));
  LIFEBOAT_ASSIGN_OR_RETURN(auto dir, get_optional_string(j, "efs_uid", kWhere));
  if (vol && dir) e.home = HomeLocation{*vol, *dir};
  LIFEBOAT_ASSIGN_OR_RETURN(auto hv, get_optional_string(j, "home_volume_id", kWhere));
  e.home_volume_id = hv.value_or("");
  if (j.contains("owner_uid") && !j["owner_uid"].is_null()) {
    LIFEBOAT_ASSIGN_OR_RETURN(e.owner_uid, get_int(j, "owner_uid", kWhere));
  }
  if (j.contains("owner_gid") && !j["owner_gid"].is_null()) {
    LIFEBOAT_ASSIGN_OR_RETURN(e.owner_gid, get_int(j, "owner_gid", kWhere));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto src, get_optional_string(j, "source", kWhere));
  e.source = src.value_or("");
  LIFEBOAT_ASSIGN_OR_RETURN(auto created, get_optional_string(j, "platform_created_at", kWhere));
  e.platform_created_at = created.value_or("");
  LIFEBOAT_RETURN_IF_ERROR(validate_event(e));
  return e;
}

}  // namespace lifeboat::core

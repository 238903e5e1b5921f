#include "server/api_views.h"

#include <fmt/format.h>

namespace lifeboat::server {

using core::Json;

Json history_to_json(const std::vector<store::HistoryEntry>& entries) {
  Json arr = Json::array();
  for (const auto& e : entries) arr.push_back(store::history_entry_to_json(e));
  return arr;
}

core::Result<core::ProfileKey> profile_key_from_json(const Json& body, const std::string& field) {
  if (!body.is_object() || !body.contains(field) || !body[field].is_object()) {
    return core::Status::invalid_argument(fmt::format(
        "field '{}' is required: {{\"domainName\", \"kind\", \"profileName\"}}", field));
  }
  const Json& obj = body[field];
  core::ProfileKey key;
  LIFEBOAT_ASSIGN_OR_RETURN(key.domain_name, core::get_string(obj, "domainName", field));
  LIFEBOAT_ASSIGN_OR_RETURN(key.name, core::get_string(obj, "profileName", field));
  LIFEBOAT_ASSIGN_OR_RETURN(auto kind, core::get_optional_string(obj, "kind", field));
  if (kind) {
    LIFEBOAT_ASSIGN_OR_RETURN(key.kind, core::parse_profile_kind(*kind, field + ".kind"));
  }
  return key;
}

Json next_cursor_json(const std::string& cursor) {
  return cursor.empty() ? Json(nullptr) : Json(cursor);
}

}  // namespace lifeboat::server

#include "support/platform_events.h"

#include <cstdio>
#include <string>

namespace lifeboat::testing {

core::Json cloud_event(const std::string& id, const std::string& type, const core::Json& data,
                       int minute) {
  char time[64];
  std::snprintf(time, sizeof time, "2026-11-29T10:%02d:00Z", minute);
  return core::Json{{"specversion", "1.0"}, {"id", id},     {"source", "platform.local"},
                    {"time", time},         {"type", type}, {"data", data}};
}

core::Json profile_data(const std::string& domain, const std::string& field,
                        const std::string& name, const std::string& home, int uid) {
  return core::Json{{"domainId", "d-" + domain},
                    {"domainName", domain},
                    {field, name},
                    {"homeEfsFileSystemId", "home"},
                    {"homeEfsFileSystemUid", home},
                    {"ownerUid", uid},
                    {"ownerGid", 1001}};
}

core::Json recreate_user(const std::string& name, const std::string& old_home,
                         const std::string& new_home, int minute) {
  const int old_uid = std::stoi(old_home);
  const int new_uid = std::stoi(new_home);
  const core::Json before = profile_data("demo", "userProfileName", name, old_home, old_uid);
  return core::Json::array(
      {cloud_event(name + "-c", "CreateUserProfile", before, minute),
       cloud_event(name + "-d", "DeleteUserProfile", before, minute + 1),
       cloud_event(name + "-r", "CreateUserProfile",
                   profile_data("demo", "userProfileName", name, new_home, new_uid), minute + 2)});
}

}  // namespace lifeboat::testing

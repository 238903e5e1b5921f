#include "support/platform_events.h"

#include <cstdio>

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

}  // namespace lifeboat::testing

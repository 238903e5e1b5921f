#include "platform/local_platform_directory.h"

#include <fmt/format.h>

#include "core/profile_event.h"

namespace lifeboat::platform {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

}  // namespace

core::Result<std::optional<core::HomeLocation>> LocalPlatformDirectory::resolve_home(
    const core::ProfileKey& key, std::string_view domain_id, std::string_view domain_volume_id) {
  std::string volume(domain_volume_id.empty() ? options_.default_volume_id : domain_volume_id);
  if (options_.home_template.empty() || volume.empty()) {
    return std::optional<core::HomeLocation>{};
  }
  std::string dir = options_.home_template;
  replace_all(dir, "{domain_id}", domain_id);
  replace_all(dir, "{domain_name}", key.domain_name);
  replace_all(dir, "{kind}", core::profile_kind_name(key.kind));
  replace_all(dir, "{name}", key.name);
  core::Status st = core::validate_name(dir, "home directory from the naming template");
  if (!st.is_ok()) {
    return st.with_context(
        fmt::format("profile {} with template '{}'", key.to_string(), options_.home_template));
  }
  return std::optional<core::HomeLocation>{core::HomeLocation{volume, dir}};
}

}  // namespace lifeboat::platform

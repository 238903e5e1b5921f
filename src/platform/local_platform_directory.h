// LocalPlatformDirectory: a self-hosted platform whose events carry the home location.
// For events that do not, an optional naming template gives the home directory name:
// `{domain_id}`, `{domain_name}`, `{kind}` and `{name}` are replaced, e.g. "{kind}-{name}".
// The volume is the domain's home volume, else `default_volume_id`. Immutable after
// construction: thread safe.
#pragma once

#include <string>

#include "platform/platform_directory.h"

namespace lifeboat::platform {

struct LocalPlatformOptions {
  std::string home_template;      //!< empty: homes come only from events
  std::string default_volume_id;  //!< used when the domain has no home volume
};

class LocalPlatformDirectory final : public PlatformDirectory {
 public:
  explicit LocalPlatformDirectory(LocalPlatformOptions options = {})
      : options_(std::move(options)) {}

  //! nullopt without a template or without a volume; InvalidArgument if the template
  //! yields a directory name that is not a single safe path component.
  core::Result<std::optional<core::HomeLocation>> resolve_home(
      const core::ProfileKey& key, std::string_view domain_id,
      std::string_view domain_volume_id) override;

 private:
  LocalPlatformOptions options_;
};

}  // namespace lifeboat::platform

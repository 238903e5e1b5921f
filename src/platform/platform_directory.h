// PlatformDirectory: where a profile's home is when its event did not say, decided
// without asking anyone (the registry calls it inside a store transaction). The only
// implementation is the local naming template (local_platform_directory.h); what a
// platform can be asked over the network is PlatformCatalog (platform_catalog.h).
// Implementations are thread safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/result.h"

namespace lifeboat::platform {

class PlatformDirectory {
 public:
  virtual ~PlatformDirectory() = default;

  //! Home location of profile `key` in domain `domain_id`, whose home volume is
  //! `domain_volume_id` (may be empty). nullopt when the platform cannot tell; an error
  //! when asking failed.
  virtual core::Result<std::optional<core::HomeLocation>> resolve_home(
      const core::ProfileKey& key, std::string_view domain_id,
      std::string_view domain_volume_id) = 0;
};

}  // namespace lifeboat::platform

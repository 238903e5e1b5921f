// PlatformDirectory: what Lifeboat asks the workspace platform (SageMaker, or a
// self-hosted one): where a profile's home is when its event did not say, and which
// domains and profiles exist (for `lifeboat seed`). Implementations: `local` here; the
// SageMaker API one is a later issue. Implementations are thread safe.
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

  //! Domains the platform has now.
  virtual core::Result<std::vector<core::Domain>> list_domains() = 0;
  //! Profiles of `domain` the platform has now, with their home locations.
  virtual core::Result<std::vector<core::Profile>> list_profiles(const core::Domain& domain) = 0;
};

}  // namespace lifeboat::platform

// PlatformSettings: the `[platform]` table of the daemon's config (and of `lifeboat seed
// --config`): which platform Lifeboat serves, how to reach its API, what to watch, and
// how long to wait for it. open_catalog() turns them into the PlatformCatalog that
// enrichment, seeding and reconciling ask. A plain value type.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "platform/platform_catalog.h"

namespace lifeboat::platform {

struct PlatformSettings {
  std::string kind = "local";  //!< "local" (events carry the homes) or "sagemaker"
  std::string region;          //!< empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's
  std::string endpoint_url;    //!< empty: AWS_ENDPOINT_URL_SAGEMAKER, AWS_ENDPOINT_URL, default
  std::string profile;         //!< AWS shared-config profile; empty: AWS_PROFILE or default
  std::vector<std::string> domains;              //!< domain ids or names to watch; empty: all
  std::int64_t reconcile_interval_seconds = 60;  //!< 0: no reconciling
  //! How long an event the platform cannot complete yet is asked about again.
  std::int64_t enrich_timeout_seconds = 3600;
  //! How long a recovery waits for the new home to appear (the person may first open
  //! Studio days later).
  std::int64_t home_wait_seconds = 30LL * 24 * 3600;
  //! Where a volume not registered with `lifeboat volumes add` is mounted, e.g.
  //! "/mnt/efs/{volume_id}" (a recreated domain's new volume); empty: none.
  std::string volume_path_template;

  bool is_sagemaker() const { return kind == "sagemaker"; }
};

//! Checks the values (kind, region form, endpoint URL scheme, ranges, the template's
//! {volume_id} and absolute path). InvalidArgument names the `platform.<key>`.
core::Status validate_platform_settings(const PlatformSettings& settings);

//! The catalog of the configured platform: nullptr for "local"; for "sagemaker" the API
//! client with its credentials found (an error says where it looked).
core::Result<std::unique_ptr<PlatformCatalog>> open_catalog(const PlatformSettings& settings);

}  // namespace lifeboat::platform

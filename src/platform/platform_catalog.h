// PlatformCatalog: what Lifeboat asks a platform that can be asked (SageMaker's API):
// which domains, user profiles and spaces exist now, and — one at a time — where a
// domain's volume and a profile's home are. Event enrichment, `lifeboat seed` and the
// daemon's reconciling are built on it (src/sync/). The local platform has no catalog:
// its events carry the homes. Implementations are thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/result.h"

namespace lifeboat::platform {

struct PlatformDomain {
  std::string id;
  std::string name;
  std::string status;          //!< the platform's word: InService, Pending, Deleting, ...
  std::string home_volume_id;  //!< empty when the listing does not say (Describe does)
  std::string created_at;      //!< RFC 3339 (milliseconds); empty when unknown

  bool operator==(const PlatformDomain&) const = default;
};

struct PlatformProfile {
  std::string domain_id;
  core::ProfileKind kind = core::ProfileKind::kUser;
  std::string name;
  std::string status;                   //!< InService, Pending, Deleting, Failed, ...
  std::optional<std::string> home_dir;  //!< the home's directory name; Describe only
  std::string created_at;               //!< RFC 3339 (milliseconds); empty when unknown

  bool operator==(const PlatformProfile&) const = default;
};

//! Whether a platform status means the thing is on its way out (Deleting, Delete_Failed
//! counts as still there). Compared without regard to case.
bool is_deleting(std::string_view status);
//! Whether a platform status means the thing is ready (InService, Updating,
//! Update_Failed: its home exists and is settled).
bool is_in_service(std::string_view status);

class PlatformCatalog {
 public:
  virtual ~PlatformCatalog() = default;

  //! Makes calls in progress or to come fail with Cancelled soon (the daemon stopping);
  //! cannot be undone. Thread safe.
  virtual void cancel() {}

  //! The event source its facts are recorded under (e.g. "aws.sagemaker").
  virtual std::string_view source() const = 0;

  //! Every domain the platform lists now.
  virtual core::Result<std::vector<PlatformDomain>> list_domains() = 0;
  //! One domain with its home volume; nullopt when the platform no longer has it.
  virtual core::Result<std::optional<PlatformDomain>> describe_domain(std::string_view id) = 0;
  //! Every user profile and space of domain `domain_id` (homes unset: listings carry none).
  virtual core::Result<std::vector<PlatformProfile>> list_profiles(std::string_view domain_id) = 0;
  //! One profile with its home (unset while the platform has not assigned one); nullopt
  //! when the platform no longer has it.
  virtual core::Result<std::optional<PlatformProfile>> describe_profile(std::string_view domain_id,
                                                                        core::ProfileKind kind,
                                                                        std::string_view name) = 0;
};

}  // namespace lifeboat::platform

// SageMakerCatalog: the PlatformCatalog of a SageMaker account, over its API
// (DescribeDomain, DescribeUserProfile, DescribeSpace, ListDomains, ListUserProfiles,
// ListSpaces — the IAM actions the README lists). Lists follow NextToken over every page
// (100 items a page). A Describe that SageMaker answers with ResourceNotFound or
// ValidationException ("does not exist") means the thing is gone: nullopt, not an error.
// Every other failure (credentials, AccessDenied naming the IAM action, throttling past
// the client's retries) is an error whose message says what to do. Thread safe (the
// client is).
#pragma once

#include <memory>

#include "aws/json_service_client.h"
#include "platform/platform_catalog.h"

namespace lifeboat::platform {

class SageMakerCatalog final : public PlatformCatalog {
 public:
  explicit SageMakerCatalog(std::unique_ptr<aws::JsonServiceClient> client)
      : client_(std::move(client)) {}

  void cancel() override { client_->cancel(); }
  std::string_view source() const override;
  core::Result<std::vector<PlatformDomain>> list_domains() override;
  core::Result<std::optional<PlatformDomain>> describe_domain(std::string_view id) override;
  core::Result<std::vector<PlatformProfile>> list_profiles(std::string_view domain_id) override;
  core::Result<std::optional<PlatformProfile>> describe_profile(std::string_view domain_id,
                                                                core::ProfileKind kind,
                                                                std::string_view name) override;

  //! The client, for messages (region, endpoint, where the credentials came from).
  const aws::JsonServiceClient& client() const { return *client_; }

 private:
  // Calls `operation` page after page, handing each response to `each`.
  core::Status for_each_page(std::string_view operation, core::Json request,
                             const std::function<core::Status(const core::Json&)>& each);

  std::unique_ptr<aws::JsonServiceClient> client_;
};

}  // namespace lifeboat::platform

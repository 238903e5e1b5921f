// Credentials of the EC2 instance's IAM role from the instance metadata service, IMDSv2
// only: PUT /latest/api/token (x-aws-ec2-metadata-token-ttl-seconds: 21600), then GET
// /latest/meta-data/iam/security-credentials/ for the role name and .../<role> for the
// keys, both with x-aws-ec2-metadata-token. AWS_EC2_METADATA_DISABLED=true turns it off;
// AWS_EC2_METADATA_SERVICE_ENDPOINT replaces http://169.254.169.254. A 1 s connect
// timeout makes a machine without the service fail fast; no answer at all is NotFound.
#pragma once

#include <memory>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "aws/http_transport.h"

namespace lifeboat::aws {

class InstanceMetadataCredentials final : public CredentialProvider {
 public:
  InstanceMetadataCredentials(Environment env, std::shared_ptr<HttpTransport> http)
      : env_(std::move(env)), http_(std::move(http)) {}

  core::Result<Credentials> load() override;
  std::string name() const override { return "instance metadata"; }

 private:
  Environment env_;
  std::shared_ptr<HttpTransport> http_;
};

}  // namespace lifeboat::aws

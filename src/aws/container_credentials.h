// Credentials from the container credentials endpoint (ECS tasks, EKS Pod Identity):
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -> http://169.254.170.2<uri>, or
// AWS_CONTAINER_CREDENTIALS_FULL_URI, which must name a loopback address, 169.254.170.2,
// 169.254.170.23 or fd00:ec2::23 (so a stray variable cannot send the authorization token
// elsewhere). The Authorization header comes from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
// (read again at each load(): it is rotated) else AWS_CONTAINER_AUTHORIZATION_TOKEN; a
// token holding CR or LF is refused. 2 s timeout. The token never appears in errors.
#pragma once

#include <memory>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "aws/http_transport.h"

namespace lifeboat::aws {

class ContainerCredentials final : public CredentialProvider {
 public:
  ContainerCredentials(Environment env, std::shared_ptr<HttpTransport> http)
      : env_(std::move(env)), http_(std::move(http)) {}

  core::Result<Credentials> load() override;
  std::string name() const override { return "container"; }

 private:
  Environment env_;
  std::shared_ptr<HttpTransport> http_;
};

//! OK when `url` is http(s) to a host the container provider may use (see above).
core::Status check_container_credentials_url(std::string_view url);

}  // namespace lifeboat::aws

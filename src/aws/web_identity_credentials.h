// Credentials for a role assumed with a web identity token (EKS service accounts, GitHub
// OIDC, ...): AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME], or the
// profile's web_identity_token_file, role_arn and role_session_name, exchanged with STS
// AssumeRoleWithWebIdentity (query protocol, unsigned). The token file is read again at
// each load(): it is rotated by whoever writes it. The STS endpoint is
// https://sts.<region>.amazonaws.com(.cn), or AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL /
// the profile's endpoint_url. Neither the token nor the answer's secrets appear in errors.
#pragma once

#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "aws/http_transport.h"
#include "aws/shared_config.h"
#include "core/clock.h"

namespace lifeboat::aws {

class WebIdentityCredentials final : public CredentialProvider {
 public:
  //! `clock` must outlive this provider (it names the session when no name is given).
  WebIdentityCredentials(Environment env, std::shared_ptr<const SharedConfig> shared,
                         std::string region, std::shared_ptr<HttpTransport> http,
                         const core::Clock& clock);

  core::Result<Credentials> load() override;
  std::string name() const override { return "web identity"; }

 private:
  Environment env_;
  std::shared_ptr<const SharedConfig> shared_;
  std::string region_;
  std::shared_ptr<HttpTransport> http_;
  const core::Clock& clock_;
};

}  // namespace lifeboat::aws

// Credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, the
// first place the AWS CLI looks. Reads the Environment at each load().
#pragma once

#include "aws/credentials.h"
#include "aws/environment.h"

namespace lifeboat::aws {

class EnvCredentials final : public CredentialProvider {
 public:
  explicit EnvCredentials(Environment env) : env_(std::move(env)) {}
  //! NotFound when neither key variable is set; FailedPrecondition when only one is.
  core::Result<Credentials> load() override;
  std::string name() const override { return "environment"; }

 private:
  Environment env_;
};

}  // namespace lifeboat::aws

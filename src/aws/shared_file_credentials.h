// Static keys from the shared files: the profile's aws_access_key_id,
// aws_secret_access_key and aws_session_token, first in the credentials file (`[name]`),
// then in the config file (`[profile name]`), as the AWS CLI reads them.
#pragma once

#include <memory>

#include "aws/credentials.h"
#include "aws/shared_config.h"

namespace lifeboat::aws {

class SharedFileCredentials final : public CredentialProvider {
 public:
  //! `profile_named_explicitly`: the profile came from the config or AWS_PROFILE, so a
  //! profile found in neither file is an error rather than "not configured".
  SharedFileCredentials(std::shared_ptr<const SharedConfig> config, bool profile_named_explicitly)
      : config_(std::move(config)), explicit_(profile_named_explicitly) {}

  core::Result<Credentials> load() override;
  std::string name() const override { return "shared files"; }

 private:
  std::shared_ptr<const SharedConfig> config_;
  bool explicit_;
};

}  // namespace lifeboat::aws

// AWS credentials and the interface every credential provider implements.
//
// A Credentials value is a snapshot: a request is signed with one snapshot from start to
// end, whatever refreshes happen meanwhile. Its secret parts (secret key, session token)
// must never reach a log or a Status message: use describe() when credentials are to be
// named. Providers are called by CredentialChain under its refresh mutex, one call at a
// time; a provider need not be thread safe itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace lifeboat::aws {

struct Credentials {
  std::string access_key_id;      //!< not secret: AWS shows it in CloudTrail
  std::string secret_access_key;  //!< secret
  std::string session_token;      //!< secret; empty for long-term keys
  //! When temporary credentials stop working; nullopt for long-term keys.
  std::optional<core::Clock::WallTime> expiration;
  //! Where they came from, e.g. "environment", "shared credentials file (profile dev)".
  std::string source;

  bool temporary() const { return !session_token.empty(); }
  //! "<source>, access key AKIA...WXYZ-style id": never a secret.
  std::string describe() const;
};

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;

  //! Loads credentials. A provider that is not configured at all (its variables unset,
  //! its file absent, no metadata service answering) returns NotFound whose message says
  //! where it looked; the chain then asks the next provider. Any other error means the
  //! provider is configured but failed, and stops the chain: falling through to another
  //! identity would act with permissions the administrator did not choose.
  virtual core::Result<Credentials> load() = 0;

  //! Short name of the source, e.g. "web identity".
  virtual std::string name() const = 0;
};

//! Credentials from the JSON the container and instance metadata services answer:
//! {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}. `what` names the answer in
//! errors ("container credentials from http://..."), which never quote a value.
core::Result<Credentials> credentials_from_json(std::string_view body, std::string_view what,
                                                std::string source);

}  // namespace lifeboat::aws

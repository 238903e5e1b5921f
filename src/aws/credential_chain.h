// The credential chain: the providers in the AWS CLI's order, the first one configured
// wins and is kept, and its temporary credentials are cached and refreshed.
//
// get() hands out a snapshot; a request signs with that one snapshot. Temporary
// credentials are refreshed when less than kRefreshWindow is left before their
// Expiration. Refreshes are serialised by a mutex; while one runs, other callers keep the
// current credentials if they are still valid. A failed refresh keeps the current
// credentials while they are valid (and is not tried again for kRetryAfterFailure).
// Thread safety: get() and source() may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/environment.h"
#include "aws/http_transport.h"
#include "aws/shared_config.h"
#include "core/clock.h"

namespace lifeboat::aws {

class CredentialChain {
 public:
  static constexpr std::chrono::minutes kRefreshWindow{5};
  static constexpr std::chrono::seconds kRetryAfterFailure{10};

  //! `clock` must outlive the chain.
  CredentialChain(std::vector<std::unique_ptr<CredentialProvider>> providers,
                  const core::Clock& clock);

  //! Credentials valid now. No provider configured: FailedPrecondition naming every place
  //! looked. A provider configured but failing: its error.
  core::Result<Credentials> get();

  //! The source of the credentials in hand ("environment", ...); empty before any.
  std::string source() const;

 private:
  core::Result<Credentials> load_first_configured();
  bool needs_refresh(const Credentials& creds) const;
  bool expired(const Credentials& creds) const;

  const core::Clock& clock_;
  std::vector<std::unique_ptr<CredentialProvider>> providers_;
  std::mutex refresh_mu_;  // held while a provider is asked; guards chosen_
  CredentialProvider* chosen_ = nullptr;
  mutable std::mutex mu_;  // guards the two fields below; never held during I/O
  std::optional<Credentials> cached_;
  std::optional<core::Clock::SteadyTime> last_failure_;
};

//! What the default chain needs to know.
struct ChainContext {
  Environment env;
  std::shared_ptr<const SharedConfig> shared;
  bool profile_named_explicitly = false;  //!< from the config or AWS_PROFILE
  std::string region;                     //!< for the STS endpoint
  std::shared_ptr<HttpTransport> http;
  const core::Clock* clock = nullptr;  //!< must outlive the chain
};

//! environment -> web identity -> shared files -> container -> instance metadata.
std::unique_ptr<CredentialChain> default_credential_chain(const ChainContext& context);

}  // namespace lifeboat::aws

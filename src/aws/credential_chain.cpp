#include "aws/credential_chain.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "aws/container_credentials.h"
#include "aws/env_credentials.h"
#include "aws/instance_metadata_credentials.h"
#include "aws/shared_file_credentials.h"
#include "aws/web_identity_credentials.h"
#include "core/time_format.h"

namespace lifeboat::aws {

CredentialChain::CredentialChain(std::vector<std::unique_ptr<CredentialProvider>> providers,
                                 const core::Clock& clock)
    : clock_(clock), providers_(std::move(providers)) {}

bool CredentialChain::needs_refresh(const Credentials& creds) const {
  return creds.expiration && clock_.now() >= *creds.expiration - kRefreshWindow;
}

bool CredentialChain::expired(const Credentials& creds) const {
  return creds.expiration && clock_.now() >= *creds.expiration;
}

std::string CredentialChain::source() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cached_ ? cached_->source : std::string();
}

core::Result<Credentials> CredentialChain::load_first_configured() {
  if (chosen_ != nullptr) {
    auto creds = chosen_->load();
    if (creds.is_ok()) return creds;
    return creds.status().with_context(
        fmt::format("refreshing AWS credentials from {}", chosen_->name()));
  }
  std::vector<std::string> looked;
  for (const auto& provider : providers_) {
    auto creds = provider->load();
    if (creds.is_ok()) {
      chosen_ = provider.get();
      return creds;
    }
    if (creds.status().code() != core::StatusCode::kNotFound) {
      return creds.status().with_context(fmt::format("AWS credentials from {}", provider->name()));
    }
    looked.push_back(creds.status().message());
  }
  std::string list;
  for (const std::string& place : looked) list += fmt::format(" [{}]", place);
  return core::Status::failed_precondition(fmt::format(
      "no AWS credentials found; looked in:{}; configure one of them (for example an IAM role "
      "for the instance or container, or a profile in the shared credentials file)",
      list));
}

core::Result<Credentials> CredentialChain::get() {
  std::unique_lock<std::mutex> refresh(refresh_mu_, std::defer_lock);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ && !needs_refresh(*cached_)) return *cached_;
    if (cached_ && !expired(*cached_)) {
      // Still valid: refresh only if nobody else is, and not right after a failure.
      bool backing_off = last_failure_ && clock_.steady_now() - *last_failure_ < kRetryAfterFailure;
      if (backing_off || !refresh.try_lock()) return *cached_;
    }
  }
  if (!refresh.owns_lock()) {
    refresh.lock();
    std::lock_guard<std::mutex> lock(mu_);
    // Another caller may have refreshed while this one waited.
    if (cached_ && !needs_refresh(*cached_)) return *cached_;
  }
  auto fresh = load_first_configured();
  std::lock_guard<std::mutex> lock(mu_);
  if (fresh.is_ok()) {
    cached_ = *fresh;
    last_failure_.reset();
    return fresh;
  }
  if (cached_ && !expired(*cached_)) {
    last_failure_ = clock_.steady_now();
    spdlog::warn("{}; using the current credentials ({}) until they expire at {}",
                 fresh.status().message(), cached_->source,
                 core::format_rfc3339(*cached_->expiration));
    return *cached_;
  }
  return fresh;
}

std::unique_ptr<CredentialChain> default_credential_chain(const ChainContext& context) {
  std::vector<std::unique_ptr<CredentialProvider>> providers;
  providers.push_back(std::make_unique<EnvCredentials>(context.env));
  providers.push_back(std::make_unique<WebIdentityCredentials>(
      context.env, context.shared, context.region, context.http, *context.clock));
  providers.push_back(
      std::make_unique<SharedFileCredentials>(context.shared, context.profile_named_explicitly));
  providers.push_back(std::make_unique<ContainerCredentials>(context.env, context.http));
  providers.push_back(std::make_unique<InstanceMetadataCredentials>(context.env, context.http));
  return std::make_unique<CredentialChain>(std::move(providers), *context.clock);
}

}  // namespace lifeboat::aws

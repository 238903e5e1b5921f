// A client of one AWS service that speaks the AWS JSON protocol (1.0 or 1.1): POST / with
// X-Amz-Target: <prefix>.<Operation>, a JSON body, SigV4-signed; throttling, 5xx answers
// and transport faults are retried with exponential back-off and full jitter.
//
// create() resolves the profile, region, endpoint and credential chain once (see
// service_info.h ClientOptions for the precedence). call() is thread safe: several threads
// may call at once; each signs with its own snapshot of the credentials. Error messages
// start "<service_id> <Operation>: " and never hold a secret, a signature or a token.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "aws/credential_chain.h"
#include "aws/environment.h"
#include "aws/http_transport.h"
#include "aws/retry_policy.h"
#include "aws/service_info.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"

namespace lifeboat::aws {

class JsonServiceClient {
 public:
  //! `clock` null: the system clock; otherwise it must outlive the client.
  static core::Result<std::unique_ptr<JsonServiceClient>> create(
      ServiceInfo service, ClientOptions options, Environment env = process_environment(),
      const core::Clock* clock = nullptr);

  //! As create(), with the HTTP transport and the credential chain given (tests).
  static core::Result<std::unique_ptr<JsonServiceClient>> create_with(
      ServiceInfo service, ClientOptions options, Environment env, const core::Clock* clock,
      std::shared_ptr<HttpTransport> http, std::unique_ptr<CredentialChain> credentials);

  //! POSTs `request` to `operation`; returns the parsed JSON answer ({} for an empty one).
  //! Errors: ResourceNotFound -> NotFound; ValidationException -> InvalidArgument; access
  //! denied -> PermissionDenied naming the IAM action; rejected credentials ->
  //! PermissionDenied naming their source; other 4xx -> FailedPrecondition; throttling,
  //! 5xx, timeouts and connection faults are retried up to max_attempts, then Unavailable
  //! saying how many attempts were made; no credentials anywhere -> FailedPrecondition.
  core::Result<core::Json> call(std::string_view operation, const core::Json& request);

  const std::string& region() const { return region_; }
  const std::string& endpoint() const { return endpoint_; }
  //! Where the credentials come from ("environment", "shared credentials file (profile
  //! dev)", "web identity", "container", "instance metadata"); loads them if no call has
  //! yet. Never a secret.
  std::string credential_source() const;

  //! Makes every call in progress or to come return Cancelled: an exchange in flight (an
  //! SQS long poll, say) is abandoned within about a second, a wait between attempts at
  //! once (the daemon stopping). Thread safe; cannot be undone.
  void cancel();

  //! Replaces how the client waits between attempts (tests count the waits).
  void set_sleep_for_testing(std::function<void(std::chrono::milliseconds)> sleep) {
    sleep_ = std::move(sleep);
  }

 private:
  JsonServiceClient() = default;

  ServiceInfo service_;
  ClientOptions options_;
  std::string region_;
  std::string endpoint_;
  std::string host_;  // host[:port] for the Host header
  const core::Clock* clock_ = nullptr;
  std::shared_ptr<HttpTransport> http_;
  std::unique_ptr<CredentialChain> credentials_;
  RetryPolicy retry_;
  std::function<void(std::chrono::milliseconds)> sleep_;
  std::mutex cancel_mu_;
  std::condition_variable cancel_cv_;
  bool cancelled_ = false;
  std::atomic<bool> abort_{false};  // cancelled_, for the transport to poll without the lock
};

}  // namespace lifeboat::aws

#include "aws/json_service_client.h"

#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "aws/endpoint.h"
#include "aws/service_error.h"
#include "aws/shared_config.h"
#include "aws/sigv4.h"

namespace lifeboat::aws {
namespace {

std::mt19937_64& jitter_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

bool retryable_transport_fault(const core::Status& status) {
  return status.code() == core::StatusCode::kUnavailable ||
         status.code() == core::StatusCode::kTimeout;
}

}  // namespace

core::Result<std::unique_ptr<JsonServiceClient>> JsonServiceClient::create(
    ServiceInfo service, ClientOptions options, Environment env, const core::Clock* clock) {
  if (clock == nullptr) clock = &core::SystemClock::instance();
  std::string profile = resolve_profile_name(options.profile, env);
  bool explicit_profile = !options.profile.empty() || non_empty(env, "AWS_PROFILE").has_value();
  LIFEBOAT_ASSIGN_OR_RETURN(SharedConfig shared, SharedConfig::load(env, profile));
  auto shared_ptr = std::make_shared<const SharedConfig>(std::move(shared));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string region, resolve_region(options.region, env, *shared_ptr));
  auto http = std::make_shared<CurlTransport>();
  ChainContext context{env, shared_ptr, explicit_profile, region, http, clock};
  return create_with(std::move(service), std::move(options), std::move(env), clock, http,
                     default_credential_chain(context));
}

core::Result<std::unique_ptr<JsonServiceClient>> JsonServiceClient::create_with(
    ServiceInfo service, ClientOptions options, Environment env, const core::Clock* clock,
    std::shared_ptr<HttpTransport> http, std::unique_ptr<CredentialChain> credentials) {
  if (clock == nullptr) clock = &core::SystemClock::instance();
  if (options.max_attempts < 1) {
    return core::Status::invalid_argument(
        fmt::format("{} client: max_attempts must be at least 1, not {}", service.service_id,
                    options.max_attempts));
  }
  std::string profile = resolve_profile_name(options.profile, env);
  LIFEBOAT_ASSIGN_OR_RETURN(SharedConfig shared, SharedConfig::load(env, profile));
  std::unique_ptr<JsonServiceClient> client(new JsonServiceClient());
  LIFEBOAT_ASSIGN_OR_RETURN(client->region_, resolve_region(options.region, env, shared));
  LIFEBOAT_ASSIGN_OR_RETURN(client->endpoint_,
                            resolve_endpoint(service, client->region_, options.endpoint_url, env,
                                             shared, options.fallback_endpoint_url));
  client->host_ = host_of_url(client->endpoint_);
  client->retry_ = RetryPolicy{options.max_attempts, options.base_backoff, options.max_backoff};
  client->service_ = std::move(service);
  client->options_ = std::move(options);
  client->clock_ = clock;
  client->http_ = std::move(http);
  client->credentials_ = std::move(credentials);
  JsonServiceClient* self = client.get();
  client->sleep_ = [self](std::chrono::milliseconds d) {
    std::unique_lock lock(self->cancel_mu_);
    self->cancel_cv_.wait_for(lock, d, [self] { return self->cancelled_; });
  };
  return client;
}

void JsonServiceClient::cancel() {
  {
    std::lock_guard lock(cancel_mu_);
    cancelled_ = true;
  }
  abort_.store(true);
  cancel_cv_.notify_all();
}

std::string JsonServiceClient::credential_source() const {
  std::string source = credentials_->source();
  if (!source.empty()) return source;
  auto creds = credentials_->get();
  return creds.is_ok() ? creds->source : "none found";
}

core::Result<core::Json> JsonServiceClient::call(std::string_view operation,
                                                 const core::Json& request) {
  const std::string prefix = fmt::format("{} {}", service_.service_id, operation);
  if (std::find(service_.operations.begin(), service_.operations.end(), operation) ==
      service_.operations.end()) {
    // A deployment grants exactly the listed actions (docs/security.md): an unlisted call
    // would fail with AccessDenied in production, so it fails here, in every test, first.
    return core::Status::internal(
        fmt::format("{}: not among the operations listed for {} in aws/service_info.cpp", prefix,
                    service_.service_id));
  }
  const std::string body = request.dump();
  core::Status last;
  auto is_cancelled = [this] {
    std::lock_guard lock(cancel_mu_);
    return cancelled_;
  };
  for (int attempt = 1; attempt <= retry_.max_attempts; ++attempt) {
    if (attempt > 1) sleep_(retry_.backoff(attempt - 1, jitter_rng()));
    if (is_cancelled()) return core::Status::cancelled(fmt::format("{}: cancelled", prefix));

    auto creds = credentials_->get();
    if (!creds.is_ok()) {
      if (retryable_transport_fault(creds.status())) {
        last = creds.status();
        continue;
      }
      return creds.status().with_context(prefix);
    }

    SigningRequest to_sign;
    to_sign.method = "POST";
    to_sign.path = "/";
    to_sign.headers = {
        {"Host", host_},
        {"Content-Type", fmt::format("application/x-amz-json-{}", service_.json_version)},
        {"X-Amz-Target", fmt::format("{}.{}", service_.target_prefix, operation)},
    };
    to_sign.body = body;
    SigningParams params;
    params.region = region_;
    params.service = service_.signing_name;
    params.time = clock_->now();
    SigningResult signed_parts = sign_request(to_sign, *creds, params);

    HttpRequest http_request;
    http_request.method = "POST";
    http_request.url = endpoint_ + "/";
    http_request.headers = std::move(to_sign.headers);
    for (auto& header : signed_parts.headers_to_add) {
      http_request.headers.push_back(std::move(header));
    }
    http_request.body = body;
    http_request.connect_timeout = options_.connect_timeout;
    http_request.timeout = options_.request_timeout;
    http_request.abort = &abort_;

    auto response = http_->send(http_request);
    if (!response.is_ok() && response.status().code() == core::StatusCode::kCancelled) {
      return core::Status::cancelled(fmt::format("{}: cancelled", prefix));
    }
    if (!response.is_ok()) {
      if (!retryable_transport_fault(response.status())) {
        return response.status().with_context(prefix);
      }
      last = response.status();
      continue;
    }
    if (response->status >= 200 && response->status < 300) {
      if (response->body.empty()) return core::Json::object();
      auto parsed = core::parse_json(response->body, fmt::format("{} answer", prefix));
      if (!parsed.is_ok()) return core::Status::unavailable(parsed.status().message());
      return parsed;
    }
    ServiceError error = parse_service_error(*response);
    core::Status status = service_error_status(service_, operation, error, creds->describe());
    if (!is_retryable_response(error.http_status, error.code)) return status;
    last = status;
  }
  // Service errors already start with the prefix; say it once.
  std::string_view last_message = last.message();
  if (last_message.starts_with(prefix + ": ")) last_message.remove_prefix(prefix.size() + 2);
  return core::Status::unavailable(fmt::format("{}: gave up after {} attempt{}; the last: {}",
                                               prefix, retry_.max_attempts,
                                               retry_.max_attempts == 1 ? "" : "s", last_message));
}

}  // namespace lifeboat::aws

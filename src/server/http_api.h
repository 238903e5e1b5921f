// HttpApi: the daemon's HTTP/JSON API: its routes, on HttpServer (Boost.Beast).
//
//   POST /v1/events                      platform events (both envelopes, ingest/event_envelope.h)
//   GET  /v1/profiles                    current profile rows, one page (list_params.h)
//   GET  /v1/profiles/{domain}/{kind}/{name}           one profile, its newest history
//   GET  /v1/profiles/{domain}/{kind}/{name}/history   its history, one page
//   POST /v1/profiles/{domain}/{kind}/{name}/replication   {"enabled": bool}
//   POST /v1/replication-targets         {"source": KEY, "target": KEY}
//   GET  /v1/executions (one page), /v1/executions/{id} (with its history)
//   GET  /v1/transfers, /v1/held-events, /v1/dead-letters   one page each
//   POST /v1/dead-letters/{id}/redrive
//   GET  /healthz (process up), /readyz (store reachable, workers running)
//
// Lists answer one page and "nextCursor" (README "Lists and pagination"); their
// parameters are checked by list_params.h, a refusal is 400 naming the parameter.
// GET / and GET /ui/<file> serve the web dashboard's embedded files (dashboard_assets.h)
// without a token: they hold no data.
// GET /metrics (Prometheus text) and GET /v1/status (JSON) answer HealthReport
// (health_report.h).
// Every endpoint but the health checks and the dashboard's files needs the token
// (`Authorization: Bearer T` or `x-api-key: T`, compared in constant time); with no token
// configured every other request gets 401. The token is checked as soon as the header is in,
// before any body is read.
// Errors are application/problem+json with a `detail` naming the field; path segments and
// query parameters are percent-decoded (a bad escape is 400); bodies over max_body_bytes
// get 413. What a client may cost (connections, header size, timeouts, handler threads)
// is `limits`; see HttpServer for how each is enforced. Handlers run on the server's
// handler threads and only touch thread-safe services.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "registry/registry.h"
#include "server/event_intake.h"
#include "server/http_limits.h"
#include "store/store.h"

namespace lifeboat::server {

class DaemonMetrics;
class HealthReport;

struct ApiServices {
  store::Store* store = nullptr;
  registry::Registry* registry = nullptr;
  EventIntake* intake = nullptr;
  //! Redrives a dead letter; returns the new execution id.
  std::function<core::Result<std::string>(const std::string& dead_letter_id)> redrive;
  //! Called after events were applied (wakes the dispatcher).
  std::function<void()> on_events_applied;
  //! Readiness beyond the store check (e.g. workers running).
  std::function<bool()> ready;
  //! GET /metrics and GET /v1/status (absent when null).
  HealthReport* health = nullptr;
  //! Counts events and times requests (nothing is counted when null).
  DaemonMetrics* metrics = nullptr;
  std::string token;  //!< empty: every request but the health checks gets 401
  std::int64_t max_body_bytes = 1 << 20;
  HttpLimits limits;  //!< connections, header size, timeouts, handler threads
};

class HttpApi {
 public:
  explicit HttpApi(ApiServices services);
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  //! Binds HOST:PORT (port 0: any free port). Returns the bound port.
  core::Result<int> bind(const std::string& listen);
  //! Serves until stop(); call after bind(), from the thread that should block.
  core::Status serve();
  //! Stops serving (returns at once; serve() returns soon after). Thread safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! Constant-time string comparison (length leaks, content does not).
bool constant_time_equals(const std::string& a, const std::string& b);

}  // namespace lifeboat::server

#include "server/http_api.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include <fmt/format.h>

#include "server/api_views.h"
#include "server/daemon_metrics.h"
#include "server/dashboard_assets.h"
#include "server/health_report.h"
#include "server/http_router.h"
#include "server/http_server.h"
#include "server/list_params.h"
#include "server/prometheus_text.h"
#include "store/held_events.h"
#include "store/read_page.h"
#include "store/sql_execution_store.h"
#include "store/transfer_log.h"
#include "tasks/workflow_runtime.h"

namespace lifeboat::server {
namespace {

using core::Json;
using core::Status;

constexpr const char* kJson = "application/json";

int http_status_for(const Status& st) {
  switch (st.code()) {
    case core::StatusCode::kInvalidArgument:
      return 400;
    case core::StatusCode::kNotFound:
      return 404;
    case core::StatusCode::kAlreadyExists:
    case core::StatusCode::kFailedPrecondition:
      return 409;
    case core::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

HttpResponse json_response(int status, const Json& body) {
  return HttpResponse{status, kJson, body.dump(-1, ' ', false, Json::error_handler_t::replace), {}};
}

HttpResponse status_response(const Status& st) {
  return problem_response(http_status_for(st), core::status_code_name(st.code()), st.message());
}

core::Result<core::ProfileKey> key_from_params(const HttpRequest& req) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto kind, core::parse_profile_kind(req.params[1], "kind"));
  return core::ProfileKey{req.params[0], kind, req.params[2]};
}

// The newest history entries a profile's detail embeds; the rest is one cursor away
// (GET .../history).
constexpr std::int64_t kDetailHistoryEntries = 100;

// What every list route checks first: only its own parameters, then limit and cursor.
core::Result<store::PageRequest> list_page(const HttpRequest& req,
                                           const std::vector<std::string_view>& allowed) {
  LIFEBOAT_RETURN_IF_ERROR(check_known_params(req.query, allowed));
  return page_from_params(req.query);
}

}  // namespace

bool constant_time_equals(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::string& ref = a.size() == b.size() ? b : a;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ ref[i]);
  }
  return diff == 0;
}

struct HttpApi::Impl {
  ApiServices services;
  store::SqlExecutionStore executions;
  HttpRouter router;
  HttpServer server;

  explicit Impl(ApiServices s)
      : services(std::move(s)),
        executions(*services.store),
        server(services.limits, static_cast<std::uint64_t>(services.max_body_bytes),
               {[this](const HttpRequestHead& head) { return screen(head); },
                [this](const HttpRequestHead& head, std::string body) {
                  return handle(head, std::move(body));
                }}) {
    routes();
  }

  bool authorised(const HttpRequestHead& head) const {
    if (services.token.empty()) return false;
    std::string presented;
    const std::string auth = head.field("Authorization").value_or("");
    if (auth.rfind("Bearer ", 0) == 0) {
      presented = auth.substr(7);
    } else if (auto key = head.field("x-api-key")) {
      presented = *key;
    }
    return !presented.empty() && constant_time_equals(presented, services.token);
  }

  // On an I/O thread, before the body is read: an unauthenticated client cannot make the
  // daemon buffer a body or wake a handler thread.
  std::optional<HttpResponse> screen(const HttpRequestHead& head) const {
    const std::string_view path = std::string_view(head.target).substr(0, head.target.find('?'));
    if (path == "/healthz" || path == "/readyz") return std::nullopt;
    // The dashboard's files hold no data (docs/security.md "The dashboard").
    if (head.method == "GET" && is_dashboard_path(path)) return std::nullopt;
    if (authorised(head)) return std::nullopt;
    if (services.metrics) services.metrics->observe_request(route_label(head), 401, 0);
    HttpResponse res =
        problem_response(401, "Unauthorized",
                         services.token.empty() ? "no API token is configured, so no client is "
                                                  "answered; set token_file in the "
                                                  "config"
                                                : "send the API token as 'Authorization: Bearer "
                                                  "<token>' or 'x-api-key'");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  }

  // The matched route's pattern, or "unmatched": a metric label never holds the raw path
  // or method, which a client chooses (docs/security.md).
  std::string route_label(const HttpRequestHead& head) const {
    auto match = router.match(head.method, head.target);
    return match.is_ok() && match->handler != nullptr ? std::string(match->route) : "unmatched";
  }

  HttpResponse handle(const HttpRequestHead& head, std::string body) const {
    // Request latency is measured on the real monotonic clock, like the server's timeouts
    // (docs/architecture.md, "The workflow engine").
    const auto start = std::chrono::steady_clock::now();
    std::string route = "unmatched";
    HttpResponse res = dispatch(head, std::move(body), route);
    if (services.metrics) {
      services.metrics->observe_request(
          route, res.status,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return res;
  }

  HttpResponse dispatch(const HttpRequestHead& head, std::string body, std::string& route) const {
    const std::string_view path = std::string_view(head.target).substr(0, head.target.find('?'));
    if (is_dashboard_path(path)) {
      route = "dashboard";
      return dashboard_response(head.method, path, head.field("If-None-Match"));
    }
    auto match = router.match(head.method, head.target);
    if (!match.is_ok()) return status_response(match.status());
    if (match->handler == nullptr) {
      return problem_response(404, "Not Found",
                              fmt::format("no endpoint {} {}", head.method, match->request.path));
    }
    route = std::string(match->route);
    match->request.body = std::move(body);
    try {
      return (*match->handler)(match->request);
    } catch (const std::exception& e) {
      return problem_response(500, "Internal", e.what());
    }
  }

  void routes();
};

void HttpApi::Impl::routes() {
  router.add("GET", "/healthz", [](const HttpRequest&) {
    return json_response(200, {{"status", "ok"}});
  });
  router.add("GET", "/readyz", [this](const HttpRequest&) {
    auto version = services.store->schema_version();
    bool ok = version.is_ok() && (!services.ready || services.ready());
    return json_response(ok ? 200 : 503,
                         {{"status", ok ? "ready" : "not ready"},
                          {"store", version.is_ok() ? "ok" : version.status().message()}});
  });

  if (services.health) {
    router.add("GET", "/metrics", [this](const HttpRequest&) {
      return HttpResponse{200, PrometheusText::kContentType, services.health->metrics_text(), {}};
    });
    router.add("GET", "/v1/status", [this](const HttpRequest&) {
      return json_response(200, services.health->status());
    });
  }

  router.add("POST", "/v1/events", [this](const HttpRequest& req) {
    auto items = services.intake->submit(req.body);
    if (!items.is_ok()) {
      if (services.metrics) services.metrics->count_refused_batch();
      return status_response(items.status());
    }
    if (services.metrics) services.metrics->count_events(*items);
    if (services.on_events_applied) services.on_events_applied();
    return json_response(200, intake_items_to_json(*items));
  });

  router.add("GET", "/v1/profiles", [this](const HttpRequest& req) {
    auto page = list_page(req, kProfileListParams);
    if (!page.is_ok()) return status_response(page.status());
    auto query = profile_query_from_params(req.query);
    if (!query.is_ok()) return status_response(query.status());
    auto profiles = store::read_page<core::Profile>(
        *services.store,
        [&](store::StoreTransaction& t) { return t.list_profiles_page(*query, *page); });
    if (!profiles.is_ok()) return status_response(profiles.status());
    return json_response(200, page_json("profiles", *profiles, &core::profile_to_json));
  });

  const std::string key_pattern = "/v1/profiles/{domain}/{kind}/{name}";
  router.add("GET", key_pattern, [this](const HttpRequest& req) {
    auto key = key_from_params(req);
    if (!key.is_ok()) return status_response(key.status());
    std::optional<core::Profile> profile;
    store::Page<store::HistoryEntry> history;
    Status st = services.store->read([&](store::StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(profile, t.get_profile(*key));
      LIFEBOAT_ASSIGN_OR_RETURN(history, t.list_history_page(*key, store::HistorySort::kNewestFirst,
                                                             {kDetailHistoryEntries, ""}));
      return Status::ok();
    });
    if (!st.is_ok()) return status_response(st);
    if (!profile) {
      return status_response(Status::not_found(fmt::format("no profile {}", key->to_string())));
    }
    Json body = core::profile_to_json(*profile);
    body["history"] = history_to_json(history.items);
    body["historyNextCursor"] = next_cursor_json(history.next_cursor);
    return json_response(200, body);
  });

  router.add("GET", key_pattern + "/history", [this](const HttpRequest& req) {
    auto key = key_from_params(req);
    if (!key.is_ok()) return status_response(key.status());
    auto page = list_page(req, kHistoryListParams);
    if (!page.is_ok()) return status_response(page.status());
    auto sort = history_sort_from_params(req.query, store::HistorySort::kNewestFirst);
    if (!sort.is_ok()) return status_response(sort.status());
    bool known_profile = false;
    auto history =
        store::read_page<store::HistoryEntry>(*services.store, [&](store::StoreTransaction& t) {
          auto profile = t.get_profile(*key);
          if (!profile.is_ok())
            return core::Result<store::Page<store::HistoryEntry>>(profile.status());
          known_profile = profile->has_value();
          return t.list_history_page(*key, *sort, *page);
        });
    if (!history.is_ok()) return status_response(history.status());
    if (!known_profile && history->items.empty()) {
      return status_response(Status::not_found(fmt::format("no profile {}", key->to_string())));
    }
    return json_response(200, page_json("history", *history, &store::history_entry_to_json));
  });

  router.add("POST", key_pattern + "/replication", [this](const HttpRequest& req) {
    auto key = key_from_params(req);
    if (!key.is_ok()) return status_response(key.status());
    auto body = core::parse_json(req.body, "the request body");
    if (!body.is_ok()) return status_response(body.status());
    if (!body->is_object() || !body->contains("enabled") || !(*body)["enabled"].is_boolean()) {
      return status_response(
          Status::invalid_argument("field 'enabled' is required and must be true or false"));
    }
    auto profile = services.registry->set_replication(*key, (*body)["enabled"].get<bool>());
    if (!profile.is_ok()) return status_response(profile.status());
    return json_response(200, core::profile_to_json(*profile));
  });

  router.add("POST", "/v1/replication-targets", [this](const HttpRequest& req) {
    auto body = core::parse_json(req.body, "the request body");
    if (!body.is_ok()) return status_response(body.status());
    auto source = profile_key_from_json(*body, "source");
    if (!source.is_ok()) return status_response(source.status());
    auto target = profile_key_from_json(*body, "target");
    if (!target.is_ok()) return status_response(target.status());
    auto profile = services.registry->add_target(*source, *target);
    if (!profile.is_ok()) return status_response(profile.status());
    return json_response(201, core::profile_to_json(*profile));
  });

  router.add("GET", "/v1/executions", [this](const HttpRequest& req) {
    auto page = list_page(req, kExecutionListParams);
    if (!page.is_ok()) return status_response(page.status());
    auto query = execution_query_from_params(req.query);
    if (!query.is_ok()) return status_response(query.status());
    auto list = executions.list_executions_page(*query, *page);
    if (!list.is_ok()) return status_response(list.status());
    return json_response(200, page_json("executions", *list, &tasks::execution_to_json));
  });

  router.add("GET", "/v1/executions/{id}", [this](const HttpRequest& req) {
    auto detail = tasks::execution_detail_json(executions, req.params[0]);
    if (!detail.is_ok()) return status_response(detail.status());
    return json_response(200, *detail);
  });

  router.add("GET", "/v1/transfers", [this](const HttpRequest& req) {
    auto page = list_page(req, kTransferListParams);
    if (!page.is_ok()) return status_response(page.status());
    auto query = transfer_query_from_params(req.query);
    if (!query.is_ok()) return status_response(query.status());
    auto transfers = store::read_page<store::TransferRecord>(
        *services.store,
        [&](store::StoreTransaction& t) { return t.list_transfers_page(*query, *page); });
    if (!transfers.is_ok()) return status_response(transfers.status());
    return json_response(200, page_json("transfers", *transfers, &store::transfer_to_json));
  });

  router.add("GET", "/v1/held-events", [this](const HttpRequest& req) {
    auto page = list_page(req, kPlainListParams);
    if (!page.is_ok()) return status_response(page.status());
    auto held = store::read_page<store::HeldEvent>(
        *services.store,
        [&](store::StoreTransaction& t) { return t.list_held_events_page(*page); });
    if (!held.is_ok()) return status_response(held.status());
    return json_response(200, page_json("heldEvents", *held, &store::held_event_to_json));
  });

  router.add("GET", "/v1/dead-letters", [this](const HttpRequest& req) {
    auto page = list_page(req, kPlainListParams);
    if (!page.is_ok()) return status_response(page.status());
    auto list = executions.list_dead_letters_page(*page);
    if (!list.is_ok()) return status_response(list.status());
    return json_response(200, page_json("deadLetters", *list, &tasks::dead_letter_to_json));
  });

  router.add("POST", "/v1/dead-letters/{id}/redrive", [this](const HttpRequest& req) {
    auto id = services.redrive(req.params[0]);
    if (!id.is_ok()) return status_response(id.status());
    return json_response(202, {{"executionId", *id}});
  });
}

HttpApi::HttpApi(ApiServices services) : impl_(std::make_unique<Impl>(std::move(services))) {}

HttpApi::~HttpApi() { stop(); }

core::Result<int> HttpApi::bind(const std::string& listen) { return impl_->server.bind(listen); }

Status HttpApi::serve() { return impl_->server.serve(); }

void HttpApi::stop() {
  if (impl_) impl_->server.stop();
}

}  // namespace lifeboat::server

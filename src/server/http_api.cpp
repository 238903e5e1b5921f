// The one translation unit that includes cpp-httplib (its header is heavy).
#include "server/http_api.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "server/api_views.h"
#include "store/sql_execution_store.h"
#include "tasks/workflow_runtime.h"

namespace lifeboat::server {
namespace {

using core::Json;
using core::Status;

constexpr const char* kJson = "application/json";
constexpr const char* kProblem = "application/problem+json";

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

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), kJson);
}

// RFC 7807 problem details; `detail` names the field or thing at fault.
void send_problem(httplib::Response& res, int status, const std::string& title,
                  const std::string& detail) {
  res.status = status;
  res.set_content(
      Json{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}}
          .dump(),
      kProblem);
}

void send_status(httplib::Response& res, const Status& st) {
  const int code = http_status_for(st);
  send_problem(res, code, std::string(core::status_code_name(st.code())), st.message());
}

bool is_loopback(const std::string& addr) {
  return addr.rfind("127.", 0) == 0 || addr == "::1" || addr.rfind("::ffff:127.", 0) == 0;
}

core::Result<Json> parse_body(const httplib::Request& req) {
  return core::parse_json(req.body, "the request body");
}

core::Result<core::ProfileKey> key_from_path(const httplib::Request& req) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto kind, core::parse_profile_kind(req.matches[2].str(), "kind"));
  return core::ProfileKey{req.matches[1].str(), kind, req.matches[3].str()};
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
  httplib::Server server;
  store::SqlExecutionStore executions;

  explicit Impl(ApiServices s) : services(std::move(s)), executions(*services.store) {}

  bool authorised(const httplib::Request& req) const {
    if (services.token.empty()) return is_loopback(req.remote_addr);
    std::string presented;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      presented = auth.substr(7);
    } else if (req.has_header("x-api-key")) {
      presented = req.get_header_value("x-api-key");
    }
    return !presented.empty() && constant_time_equals(presented, services.token);
  }

  void routes();
};

void HttpApi::Impl::routes() {
  server.set_payload_max_length(static_cast<std::size_t>(services.max_body_bytes));
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/healthz" || req.path == "/readyz")
      return httplib::Server::HandlerResponse::Unhandled;
    if (authorised(req)) return httplib::Server::HandlerResponse::Unhandled;
    if (services.token.empty()) {
      send_problem(res, 403, "Forbidden",
                   "no API token is configured, so only loopback clients are answered; set "
                   "token_file in the config");
    } else {
      res.set_header("WWW-Authenticate", "Bearer");
      send_problem(res, 401, "Unauthorized",
                   "send the API token as 'Authorization: Bearer <token>' or 'x-api-key'");
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unexpected error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        send_problem(res, 500, "Internal", what);
      });
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      send_problem(res, 413, "Payload Too Large",
                   "the request body is larger than max_body_bytes; send fewer events at once");
    } else if (res.status == 404) {
      send_problem(res, 404, "Not Found", fmt::format("no endpoint {} {}", req.method, req.path));
    }
  });

  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"status", "ok"}});
  });
  server.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    auto version = services.store->schema_version();
    bool ok = version.is_ok() && (!services.ready || services.ready());
    send_json(res, ok ? 200 : 503,
              {{"status", ok ? "ready" : "not ready"},
               {"store", version.is_ok() ? "ok" : version.status().message()}});
  });

  server.Post("/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
    auto items = services.intake->submit(req.body);
    if (!items.is_ok()) return send_status(res, items.status());
    if (services.on_events_applied) services.on_events_applied();
    send_json(res, 200, intake_items_to_json(*items));
  });

  server.Get("/v1/profiles", [this](const httplib::Request& req, httplib::Response& res) {
    store::ProfileFilter filter;
    if (req.has_param("domain")) filter.domain_name = req.get_param_value("domain");
    std::vector<core::Profile> profiles;
    Status st = services.store->read([&](store::StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(profiles, t.list_profiles(filter));
      return Status::ok();
    });
    if (!st.is_ok()) return send_status(res, st);
    Json arr = Json::array();
    for (const auto& p : profiles) arr.push_back(core::profile_to_json(p));
    send_json(res, 200, {{"profiles", arr}});
  });

  const std::string key_re = R"(/v1/profiles/([^/]+)/([^/]+)/([^/]+))";
  server.Get(key_re, [this](const httplib::Request& req, httplib::Response& res) {
    auto key = key_from_path(req);
    if (!key.is_ok()) return send_status(res, key.status());
    std::optional<core::Profile> profile;
    std::vector<store::HistoryEntry> history;
    Status st = services.store->read([&](store::StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(profile, t.get_profile(*key));
      LIFEBOAT_ASSIGN_OR_RETURN(history, t.list_history(*key));
      return Status::ok();
    });
    if (!st.is_ok()) return send_status(res, st);
    if (!profile) {
      return send_status(res, Status::not_found(fmt::format("no profile {}", key->to_string())));
    }
    Json body = core::profile_to_json(*profile);
    body["history"] = history_to_json(history);
    send_json(res, 200, body);
  });

  server.Post(key_re + "/replication", [this](const httplib::Request& req, httplib::Response& res) {
    auto key = key_from_path(req);
    if (!key.is_ok()) return send_status(res, key.status());
    auto body = parse_body(req);
    if (!body.is_ok()) return send_status(res, body.status());
    if (!body->is_object() || !body->contains("enabled") || !(*body)["enabled"].is_boolean()) {
      return send_status(
          res, Status::invalid_argument("field 'enabled' is required and must be true or false"));
    }
    auto profile = services.registry->set_replication(*key, (*body)["enabled"].get<bool>());
    if (!profile.is_ok()) return send_status(res, profile.status());
    send_json(res, 200, core::profile_to_json(*profile));
  });

  server.Post("/v1/replication-targets",
              [this](const httplib::Request& req, httplib::Response& res) {
                auto body = parse_body(req);
                if (!body.is_ok()) return send_status(res, body.status());
                auto source = profile_key_from_json(*body, "source");
                if (!source.is_ok()) return send_status(res, source.status());
                auto target = profile_key_from_json(*body, "target");
                if (!target.is_ok()) return send_status(res, target.status());
                auto profile = services.registry->add_target(*source, *target);
                if (!profile.is_ok()) return send_status(res, profile.status());
                send_json(res, 201, core::profile_to_json(*profile));
              });

  server.Get("/v1/executions", [this](const httplib::Request& req, httplib::Response& res) {
    store::ExecutionFilter filter;
    if (req.has_param("status")) filter.status = req.get_param_value("status");
    auto list = executions.list_executions(filter);
    if (!list.is_ok()) return send_status(res, list.status());
    Json arr = Json::array();
    for (const auto& rec : *list) arr.push_back(tasks::execution_to_json(rec));
    send_json(res, 200, {{"executions", arr}});
  });

  server.Get(R"(/v1/executions/([^/]+))",
             [this](const httplib::Request& req, httplib::Response& res) {
               auto detail = tasks::execution_detail_json(executions, req.matches[1].str());
               if (!detail.is_ok()) return send_status(res, detail.status());
               send_json(res, 200, *detail);
             });

  server.Get("/v1/transfers", [this](const httplib::Request&, httplib::Response& res) {
    auto transfers = transfers_json(*services.store);
    if (!transfers.is_ok()) return send_status(res, transfers.status());
    send_json(res, 200, {{"transfers", *transfers}});
  });

  server.Get("/v1/dead-letters", [this](const httplib::Request&, httplib::Response& res) {
    auto list = executions.list_dead_letters();
    if (!list.is_ok()) return send_status(res, list.status());
    Json arr = Json::array();
    for (const auto& d : *list) arr.push_back(tasks::dead_letter_to_json(d));
    send_json(res, 200, {{"deadLetters", arr}});
  });

  server.Post(R"(/v1/dead-letters/([^/]+)/redrive)",
              [this](const httplib::Request& req, httplib::Response& res) {
                auto id = services.redrive(req.matches[1].str());
                if (!id.is_ok()) return send_status(res, id.status());
                send_json(res, 202, {{"executionId", *id}});
              });
}

HttpApi::HttpApi(ApiServices services) : impl_(std::make_unique<Impl>(std::move(services))) {
  impl_->routes();
}

HttpApi::~HttpApi() { stop(); }

core::Result<int> HttpApi::bind(const std::string& listen) {
  auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = std::stoi(listen.substr(colon + 1));
  if (port == 0) {
    int bound = impl_->server.bind_to_any_port(host);
    if (bound <= 0) return Status::unavailable(fmt::format("cannot listen on {}", listen));
    return bound;
  }
  if (!impl_->server.bind_to_port(host, port)) {
    return Status::unavailable(fmt::format(
        "cannot listen on {}: the address is in use or not local; change 'listen'", listen));
  }
  return port;
}

Status HttpApi::serve() {
  if (!impl_->server.listen_after_bind()) return Status::unavailable("the HTTP server stopped");
  return Status::ok();
}

void HttpApi::stop() {
  if (impl_ && impl_->server.is_running()) impl_->server.stop();
}

}  // namespace lifeboat::server

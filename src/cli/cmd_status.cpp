// lifeboat status [--url URL] [--config F] [--token-file F] [--json]
//
// The daemon's health from GET /v1/status (README, "Monitoring"): up since, workers busy,
// stream lag, last reconcile, dead letters, recoveries of the last day and week, and the
// lines that need attention. For cron and monitoring scripts: exit 0 when all is well, 1
// when something needs attention (the lines are printed), 4 when the daemon cannot be
// reached or answers with an error, 2 when it refuses the token or an option is wrong.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/daemon_client.h"
#include "cli/output.h"
#include "cli/store_access.h"

namespace lifeboat::cli {
namespace {

using core::Json;
using core::Status;

struct StatusOptions {
  DaemonOptions daemon;
  bool json = false;
};

std::string text_of(const Json& j, const char* key, const char* absent = "-") {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : absent;
}

long long number_of(const Json& j, const char* key) {  // NOLINT(google-runtime-int): fmt
  return j.contains(key) && j[key].is_number_integer() ? j[key].get<long long>() : 0;
}

std::string duration_text(long long seconds) {  // NOLINT(google-runtime-int)
  if (seconds < 60) return fmt::format("{}s", seconds);
  if (seconds < 3600) return fmt::format("{}m {}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}h {}m", seconds / 3600, (seconds % 3600) / 60);
  return fmt::format("{}d {}h", seconds / 86400, (seconds % 86400) / 3600);
}

std::string window_text(const Json& w) {
  return fmt::format("{} succeeded, {} failed, {} other", number_of(w, "succeeded"),
                     number_of(w, "failed"), number_of(w, "other"));
}

void print_summary(const Json& s) {
  const Json& workers = s.value("workers", Json::object());
  const Json& profiles = s.value("profiles", Json::object());
  const Json& rec = s.value("recoveries", Json::object());
  std::printf("%s", fmt::format("lifeboat {} on {}: up since {} ({}), {}\n", text_of(s, "version"),
                                text_of(s, "node"), text_of(s, "startedAt"),
                                duration_text(number_of(s, "uptimeSeconds")),
                                s.value("ready", false) ? "ready" : "NOT READY")
                        .c_str());
  std::vector<std::vector<std::string>> rows = {
      {"store", text_of(s, "store")},
      {"workers",
       fmt::format("{} of {} busy", number_of(workers, "busy"), number_of(workers, "total"))},
      {"stream lag", fmt::format("{} change(s) not yet dispatched{}", number_of(s, "streamLag"),
                                 s.value("dispatcher", false) ? " (this daemon dispatches)" : "")},
      {"last reconcile", text_of(s, "lastReconcile", "never")},
      {"dead letters", std::to_string(number_of(s, "deadLetters"))},
      {"profiles", fmt::format("{}: {} protected, {} opted out, {} pending, {} deleted",
                               number_of(profiles, "total"), number_of(profiles, "protected"),
                               number_of(profiles, "optedOut"), number_of(profiles, "pending"),
                               number_of(profiles, "deleted"))},
      {"recoveries", fmt::format("{} running", number_of(rec, "running"))},
      {"  last 24 h", window_text(rec.value("last24h", Json::object()))},
      {"  last 7 days", window_text(rec.value("last7d", Json::object()))},
      {"restored", fmt::format("{} bytes in {} files", number_of(rec, "bytesRestored"),
                               number_of(rec, "filesRestored"))},
  };
  for (const auto& r : rows) std::printf("  %-15s %s\n", r[0].c_str(), r[1].c_str());
  const Json& attention = s.value("attention", Json::array());
  if (attention.empty()) {
    std::printf("all is well\n");
    return;
  }
  std::printf("needs attention:\n");
  for (const auto& line : attention) {
    std::printf("  - %s\n", line.is_string() ? line.get<std::string>().c_str() : "?");
  }
}

int run_status(const StatusOptions& opts, const GlobalOptions& global) {
  auto daemon = resolve_daemon_endpoint(opts.daemon, global);
  if (!daemon) return report_failure(daemon.status());
  auto res = daemon_get(*daemon, "/v1/status");
  if (!res) return report_failure(res.status());
  if (res->status == 401) {
    return report_failure(Status::invalid_argument(
        fmt::format("the daemon at {} refused the API token; give the token file serve uses "
                    "(--token-file, or --config with its token_file)",
                    daemon->url)));
  }
  auto body = core::parse_json(res->body, fmt::format("the answer of {}/v1/status", daemon->url));
  if (res->status != 200 || !body || !body->is_object()) {
    return report_failure(Status::unavailable(fmt::format(
        "the daemon at {} answered GET /v1/status with HTTP {}{}; is it a Lifeboat daemon of "
        "this version?",
        daemon->url, res->status,
        body && body->is_object() && body->contains("detail") ? ": " + text_of(*body, "detail")
                                                              : "")));
  }
  if (opts.json || global.output == "json") {
    print_json(*body);
  } else {
    print_summary(*body);
  }
  const Json& attention = body->value("attention", Json::array());
  return attention.is_array() && !attention.empty() ? 1 : 0;
}

void setup_status(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<StatusOptions>();
  auto* cmd = app.add_subcommand(
      "status",
      "the running daemon's health (GET /v1/status); exit 0 all well, 1 something needs "
      "attention, 4 daemon unreachable, 2 token refused");
  cmd->add_option("--url", opts->daemon.url,
                  "the daemon's address (default: http:// the config's listen, 127.0.0.1:8750)");
  cmd->add_option("--config", opts->daemon.config_file,
                  "the daemon's TOML config file (its listen and token_file)");
  cmd->add_option("--token-file", opts->daemon.token_file, "the token file serve is given");
  cmd->add_flag("--json", opts->json, "print the raw JSON of GET /v1/status");
  cmd->callback([opts, &ctx] { ctx.exit_code = run_status(*opts, ctx.global); });
}

const bool kRegistered = register_command("status", &setup_status);

}  // namespace
}  // namespace lifeboat::cli

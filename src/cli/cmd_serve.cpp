// lifeboat serve [--config lifeboat.toml] [flags]: the daemon (server/daemon.h).
//
// Settings come from the TOML file, then flags override them. SIGTERM/SIGINT start a
// graceful stop: no new requests, running copies stop at a safe point, unfinished
// executions stay in the store and resume on the next start.
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "core/json.h"
#include "core/time_format.h"
#include "fs/durable_write.h"
#include "fs/posix_file_system.h"
#include "server/daemon.h"
#include "server/server_config.h"
#include "store/open_store.h"
#include "store/postgres_url.h"

namespace lifeboat::cli {
namespace {

struct ServeOptions {
  std::string config_file;
  std::string listen;
  std::string token_file;
  std::string workflow;
  std::string log_format;
  std::string port_file;
  int workers = 0;
  int per_volume_concurrency = 0;
  std::int64_t max_body_bytes = 0;
};

// One JSON object per line on stderr (--log-format json): time, level, message.
class JsonLineSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    core::Json line{
        {"time", core::format_rfc3339(
                     std::chrono::time_point_cast<core::Clock::WallTime::duration>(msg.time))},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    std::string text = line.dump(-1, ' ', false, core::Json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

void setup_logging(const std::string& format, const GlobalOptions& global) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>("lifeboat", std::make_shared<JsonLineSink>());
  } else {
    logger = spdlog::stderr_color_mt("lifeboat");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  logger->set_level(global.quiet         ? spdlog::level::warn
                    : global.verbose > 0 ? spdlog::level::debug
                                         : spdlog::level::info);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

core::Result<server::ServerConfig> effective_config(const ServeOptions& o) {
  server::ServerConfig config;
  if (!o.config_file.empty()) {
    LIFEBOAT_ASSIGN_OR_RETURN(config, server::load_server_config(o.config_file));
  }
  if (!o.listen.empty()) config.listen = o.listen;
  if (!o.token_file.empty()) config.token_file = o.token_file;
  if (!o.workflow.empty()) config.workflow = o.workflow;
  if (!o.log_format.empty()) config.log_format = o.log_format;
  if (o.workers > 0) config.workers = o.workers;
  if (o.per_volume_concurrency > 0) config.per_volume_concurrency = o.per_volume_concurrency;
  if (o.max_body_bytes > 0) config.max_body_bytes = o.max_body_bytes;
  LIFEBOAT_RETURN_IF_ERROR(server::validate_server_config(config));
  return config;
}

int run_serve(const ServeOptions& opts, const GlobalOptions& global) {
  auto config = effective_config(opts);
  if (!config.is_ok()) return report_failure(config.status());
  setup_logging(config->log_format, global);
  auto url = serve_store_url(*config, global);
  if (!url.is_ok()) return report_failure(url.status());

  // Signals are taken by a dedicated thread (sigwait), so the daemon stops from a normal
  // thread; block them before any other thread starts so none of those gets them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);  // internal: releases the signal thread after a stop
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  server::Daemon daemon(*config, *url, core::SystemClock::instance());
  auto port = daemon.start();
  if (!port.is_ok()) {
    spdlog::error("cannot start: {}", port.status().message());
    return report_failure(port.status());
  }
  const std::string host = config->listen.substr(0, config->listen.rfind(':'));
  spdlog::info("lifeboat {} serving http://{}:{} (store {}, {} worker(s))", LIFEBOAT_VERSION, host,
               *port, store::mask_postgres_password(*url), config->workers);
  spdlog::info(
      "API token {} {} (send it as 'Authorization: Bearer TOKEN'; lifeboat token prints it)",
      daemon.token_created() ? "created in" : "read from", daemon.token_path());
  if (!opts.port_file.empty()) {
    core::Status st = fs::write_file_durably(fs::PosixFileSystem::instance(), opts.port_file,
                                             std::to_string(*port) + "\n");
    if (!st.is_ok()) spdlog::error("cannot write --port-file: {}", st.message());
  }
  std::thread signal_thread([&daemon, &signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGUSR1) return;
    spdlog::info("{} received: stopping gracefully", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    daemon.stop();
  });
  (void)daemon.wait();
  // The daemon stopped by itself (not by a signal): release the signal thread.
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  spdlog::info("stopped");
  return 0;
}

void setup_serve(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd =
      app.add_subcommand("serve", "run the daemon: HTTP API, change dispatcher, recovery workers");
  cmd->add_option("--config", opts->config_file,
                  "TOML config file (see packaging/lifeboat.toml.example)");
  cmd->add_option("--listen", opts->listen,
                  "HOST:PORT of the HTTP API (default 127.0.0.1:8750; port 0: any)");
  cmd->add_option("--token-file", opts->token_file,
                  "file whose first line is the API token (default: api-token in the data "
                  "directory, created 0600 if absent)");
  cmd->add_option("--workflow", opts->workflow, "ASL recovery workflow (default: the shipped one)");
  cmd->add_option("--log-format", opts->log_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--workers", opts->workers, "executions run at once (default 4)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--per-volume-concurrency", opts->per_volume_concurrency,
                  "copies at once into one volume (default 2)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-body-bytes", opts->max_body_bytes, "larger request bodies get 413")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--port-file", opts->port_file, "write the bound port here once listening");
  cmd->callback([opts, &ctx] { ctx.exit_code = run_serve(*opts, ctx.global); });
}

const bool kRegistered = register_command("serve", &setup_serve);

}  // namespace
}  // namespace lifeboat::cli

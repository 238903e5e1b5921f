#include "cli/daemon_client.h"

#include <chrono>

#include <fmt/format.h>

#include "cli/store_access.h"

namespace lifeboat::cli {

using core::Status;

core::Result<server::ServerConfig> load_cli_server_config(const std::string& config_file,
                                                          const std::string& token_file) {
  server::ServerConfig config;
  if (!config_file.empty()) {
    LIFEBOAT_ASSIGN_OR_RETURN(config, server::load_server_config(config_file));
  }
  if (!token_file.empty()) config.token_file = token_file;
  return config;
}

core::Result<server::ApiToken> cli_api_token(const server::ServerConfig& config,
                                             const GlobalOptions& global, bool create_if_absent) {
  LIFEBOAT_ASSIGN_OR_RETURN(std::string url, serve_store_url(config, global));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string path, server::token_path_for(config.token_file, url));
  return server::load_api_token(path, create_if_absent && config.token_file.empty());
}

namespace {

// The URL a client uses to reach `listen`: a wildcard address is reached on loopback.
std::string url_for_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : listen.substr(colon);
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "[::]" || host == "::") host = "[::1]";
  return fmt::format("http://{}{}", host, port);
}

}  // namespace

core::Result<DaemonEndpoint> resolve_daemon_endpoint(const DaemonOptions& opts,
                                                     const GlobalOptions& global) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto config, load_cli_server_config(opts.config_file, opts.token_file));
  DaemonEndpoint daemon;
  if (!opts.url.empty()) {
    const bool http = opts.url.rfind("http://", 0) == 0 || opts.url.rfind("https://", 0) == 0;
    const std::string_view rest = std::string_view(opts.url).substr(
        opts.url.find("://") == std::string::npos ? 0 : opts.url.find("://") + 3);
    if (!http || rest.empty() || rest.front() == '/' ||
        rest.find_first_of("?#@ ") != std::string_view::npos) {
      return Status::invalid_argument(
          fmt::format("--url '{}' is not a daemon address; give http://HOST:PORT (or https://), "
                      "e.g. http://127.0.0.1:8750",
                      opts.url));
    }
    daemon.url = opts.url;
    while (daemon.url.size() > 8 && daemon.url.back() == '/') daemon.url.pop_back();
  } else {
    daemon.url = url_for_listen(config.listen);
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto token, cli_api_token(config, global, /*create_if_absent=*/false));
  daemon.token = token.value;
  return daemon;
}

core::Result<aws::HttpResponse> daemon_get(const DaemonEndpoint& daemon, std::string_view path) {
  aws::CurlTransport http;
  aws::HttpRequest req;
  req.url = daemon.url + std::string(path);
  req.headers.emplace_back("Authorization", "Bearer " + daemon.token);
  req.headers.emplace_back("Accept", "application/json");
  req.connect_timeout = std::chrono::seconds(5);
  req.timeout = std::chrono::seconds(30);
  auto res = http.send(req);
  if (!res.is_ok()) {
    return Status::unavailable(fmt::format(
        "the daemon at {} cannot be reached ({}); is `lifeboat serve` running there? Give its "
        "address with --url or --config",
        daemon.url, res.status().message()));
  }
  return res;
}

}  // namespace lifeboat::cli

// Talking to a running daemon from the command line (`lifeboat status`; `lifeboat token`
// shares the token lookup): its URL from --url, else the config's `listen`; its API token
// found as `serve` finds it (server/api_token.h: the configured token_file, else api-token
// beside the store).
#pragma once

#include <string>
#include <string_view>

#include "aws/http_transport.h"
#include "cli/command_registry.h"
#include "core/result.h"
#include "server/api_token.h"
#include "server/server_config.h"

namespace lifeboat::cli {

//! The daemon's settings from `config_file` (defaults when empty) with `token_file`, when
//! given, replacing its token_file.
core::Result<server::ServerConfig> load_cli_server_config(const std::string& config_file,
                                                          const std::string& token_file);

//! The API token `serve` uses with `config`; created (0600) when absent only if
//! `create_if_absent` and no token_file is configured.
core::Result<server::ApiToken> cli_api_token(const server::ServerConfig& config,
                                             const GlobalOptions& global, bool create_if_absent);

struct DaemonEndpoint {
  std::string url;  //!< "http://127.0.0.1:8750", no trailing '/'
  std::string token;
};

struct DaemonOptions {
  std::string config_file;
  std::string url;  //!< empty: http:// the config's listen (a wildcard host becomes loopback)
  std::string token_file;
};

//! Where the daemon answers and the token to send. InvalidArgument for a --url that is not
//! http(s)://HOST[:PORT]; the token file's own errors (absent, readable by others) as is.
core::Result<DaemonEndpoint> resolve_daemon_endpoint(const DaemonOptions& opts,
                                                     const GlobalOptions& global);

//! GET `path` from the daemon with the token. Unavailable naming the URL (and what to check)
//! when nothing answers; any HTTP answer is returned as is.
core::Result<aws::HttpResponse> daemon_get(const DaemonEndpoint& daemon, std::string_view path);

}  // namespace lifeboat::cli

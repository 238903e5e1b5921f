// lifeboat token [--config F] [--token-file F] [--path]
//
// Prints the API token `serve` uses — found the same way (server/api_token.h): the
// configured token_file, else api-token in the data directory, created 0600 if absent — so
// a script can talk to the daemon:
//   curl -H "Authorization: Bearer $(lifeboat token)" http://127.0.0.1:8750/v1/profiles
// A token file that others can read, or that another user owns, is refused as serve
// refuses it. Prints plain text even when piped; `--output json` prints its path instead.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command_registry.h"
#include "cli/daemon_client.h"
#include "cli/output.h"
#include "cli/store_access.h"

namespace lifeboat::cli {
namespace {

struct TokenOptions {
  std::string config_file;
  std::string token_file;
  bool path_only = false;
};

int run_token(const TokenOptions& opts, const GlobalOptions& global) {
  auto config = load_cli_server_config(opts.config_file, opts.token_file);
  if (!config) return report_failure(config.status());
  auto token = cli_api_token(*config, global, /*create_if_absent=*/true);
  if (!token) return report_failure(token.status());
  // Plain text unless JSON is asked for by name: `$(lifeboat token)` must give the token.
  if (global.output == "json") {
    print_json({{"path", token->path}, {"created", token->created}});
    return 0;
  }
  std::printf("%s\n", opts.path_only ? token->path.c_str() : token->value.c_str());
  return 0;
}

void setup_token(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<TokenOptions>();
  auto* cmd = app.add_subcommand(
      "token", "print the API token serve uses (created 0600 in the data directory if absent)");
  cmd->add_option("--config", opts->config_file, "the daemon's TOML config file");
  cmd->add_option("--token-file", opts->token_file, "the token file serve is given");
  cmd->add_flag("--path", opts->path_only, "print where the token is, not the token");
  cmd->callback([opts, &ctx] { ctx.exit_code = run_token(*opts, ctx.global); });
}

const bool kRegistered = register_command("token", &setup_token);

}  // namespace
}  // namespace lifeboat::cli

// lifeboat: one binary, daemon and CLI. Commands register themselves (command_registry.h).
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "cli/command_registry.h"
#include "cli/output.h"

int main(int argc, char** argv) {
  using lifeboat::cli::CommandContext;
  CLI::App app{
      "Lifeboat: keeps people's work when their workspace profile is deleted and recreated",
      "lifeboat"};
  app.set_version_flag("--version", LIFEBOAT_VERSION);
  app.require_subcommand(1);
  CommandContext ctx;
  app.add_option("--data-dir", ctx.global.data_dir,
                 "data directory (default $LIFEBOAT_DATA_DIR, else ~/.local/state/lifeboat)");
  app.add_option("--store", ctx.global.store_url,
                 "store URL: sqlite:///path/to/db or postgresql://…");
  app.add_option("--output", ctx.global.output,
                 "output format (default: table on a terminal, json otherwise)")
      ->check(CLI::IsMember({"table", "json"}));
  app.add_flag("-v,--verbose", ctx.global.verbose, "more log output (repeat for more)");
  app.add_flag("-q,--quiet", ctx.global.quiet, "only errors");
  lifeboat::cli::setup_all_commands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // CLI11 uses 0 for --help/--version and 1xx codes for usage errors: a usage error is bad input,
    // exit code 2 (README).
    return rc == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    lifeboat::cli::print_error(e.what());
    return 4;
  }
  return ctx.exit_code;
}

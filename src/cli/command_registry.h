// How `lifeboat` subcommands find their way into the binary.
//
// Each cmd_<verb>.cpp defines a setup function and registers it at static-init time:
//
//   static const bool kRegistered = lifeboat::cli::register_command("copy", &setup_copy);
//
// main() calls every setup (sorted by name) to build the CLI11 tree. A setup adds its
// subcommand and a callback that stores the command's exit code in ctx.exit_code.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace lifeboat::cli {

//! Global options (README "How it works").
struct GlobalOptions {
  std::string data_dir;   //!< --data-dir; empty: $LIFEBOAT_DATA_DIR, else ~/.local/state/lifeboat
  std::string store_url;  //!< --store sqlite:///… | postgresql://…
  std::string output;     //!< --output table|json; empty: table on a terminal, json otherwise
  int verbose = 0;        //!< -v count
  bool quiet = false;     //!< -q
};

struct CommandContext {
  GlobalOptions global;
  int exit_code = 0;
};

using CommandSetup = void (*)(CLI::App& app, CommandContext& ctx);

//! Adds `setup` under `name` (used only to order setups). Returns true.
bool register_command(const std::string& name, CommandSetup setup);

//! Runs every registered setup against `app`, sorted by name.
void setup_all_commands(CLI::App& app, CommandContext& ctx);

//! The subcommand `name` of `app`, created with `description` if it does not exist yet,
//! so that several files can add verbs under one noun (`events put`, `events test-pattern`).
CLI::App& command_group(CLI::App& app, const std::string& name, const std::string& description);

}  // namespace lifeboat::cli

// Opening the store (and the registry on top of it) from the global options, for the
// commands that read or change the registry. One process, one command: nothing here is
// shared between threads.
#pragma once

#include <memory>

#include "cli/command_registry.h"
#include "core/profile.h"
#include "core/result.h"
#include "platform/local_platform_directory.h"
#include "registry/registry.h"
#include "server/server_config.h"
#include "store/store.h"

namespace lifeboat::cli {

//! The store named by --store, else `lifeboat.db` in the data directory (--data-dir,
//! $LIFEBOAT_DATA_DIR, ~/.local/state/lifeboat), created if absent.
core::Result<std::unique_ptr<store::Store>> open_cli_store(const GlobalOptions& global);

//! The store `serve` and `token` use: --store, else the config's store, else --data-dir,
//! else the config's data_dir, else the default data directory.
core::Result<std::string> serve_store_url(const server::ServerConfig& config,
                                          const GlobalOptions& global);

//! Opens the store and runs `fn` in a read transaction. Returns 0, or prints the failure
//! and returns its exit code.
int read_cli_store(const GlobalOptions& global, const store::TransactionFn& fn);

//! A store with a registry over it (the local platform directory).
struct RegistryAccess {
  std::unique_ptr<store::Store> store;
  platform::LocalPlatformDirectory platform;
  std::unique_ptr<registry::Registry> registry;
};
core::Result<std::unique_ptr<RegistryAccess>> open_cli_registry(const GlobalOptions& global);

//! Prints `status` as a user-facing error and returns its exit code (core::exit_code_for).
int report_failure(const core::Status& status);

//! Adds --domain-name, --profile-name and --kind (prefixed with `prefix`, e.g. "src-")
//! to `cmd`, filling `key` and `kind`; call resolve_key after parsing.
struct KeyOptions {
  std::string domain_name;
  std::string profile_name;
  std::string kind = "user";
};
void add_key_options(CLI::App& cmd, KeyOptions& opts, const std::string& prefix = "",
                     bool required = true);
core::Result<core::ProfileKey> resolve_key(const KeyOptions& opts, const std::string& prefix = "");

//! The table columns of a profile and one profile's row.
const std::vector<std::string>& profile_headers();
std::vector<std::string> profile_row(const core::Profile& profile);

//! Prints profiles as a table or a JSON array (one JSON object for `single`).
void print_profiles(const GlobalOptions& global, const std::vector<core::Profile>& profiles,
                    bool single = false);

}  // namespace lifeboat::cli

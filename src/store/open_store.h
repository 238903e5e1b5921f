// Opening the store named on the command line or in the config, and finding the data
// directory (README "The store and the data directory").
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace lifeboat::store {

//! Name of the SQLite database file inside the data directory.
inline constexpr std::string_view kDatabaseFileName = "lifeboat.db";

//! Opens the store at `url`: `sqlite:///absolute/path.db` (created if absent; its
//! directory must exist) or `postgresql://...` / `postgres://...` (a libpq connection URL;
//! the database must exist, its schema is created or upgraded; see postgres_store.h).
//! A PostgreSQL server that cannot be reached is Unavailable, a malformed URL
//! InvalidArgument; messages show the URL with its password masked.
core::Result<std::unique_ptr<Store>> open_store(std::string_view url);

//! The data directory: `flag` if given, else $LIFEBOAT_DATA_DIR, else
//! $HOME/.local/state/lifeboat. Created with mode 0700 (parents too) if absent.
core::Result<std::string> resolve_data_dir(const std::string& flag);

//! "sqlite:///<data_dir>/lifeboat.db".
std::string sqlite_url_for_data_dir(const std::string& data_dir);

//! The database file of a `sqlite:///` URL; empty for any other URL.
std::string sqlite_path_of(std::string_view url);

}  // namespace lifeboat::store

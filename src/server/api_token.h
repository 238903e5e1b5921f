// The API token: every request but the health checks must carry it (docs/security.md).
//
// `serve` never answers without one. With `token_file` set, the token is that file's first
// line; with none, it is `api-token` beside the SQLite store (the data directory), created
// on first use with 32 random bytes as hex, mode 0600. Either way the file must be a
// regular file (not a symlink), owned by the user Lifeboat runs as, readable by nobody
// else, and hold at least kMinTokenLength printable characters. `lifeboat token` finds the
// token the same way, so scripts and the CLI agree with the daemon. No shared state.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"

namespace lifeboat::server {

//! Name of the generated token file in the data directory.
inline constexpr const char* kTokenFileName = "api-token";
//! Shorter tokens are refused: they could be guessed.
inline constexpr std::size_t kMinTokenLength = 16;

struct ApiToken {
  std::string value;
  std::string path;      //!< where it was read (or written)
  bool created = false;  //!< true when this call generated it
};

//! The token file to use: `token_file` when set, else api-token beside the store named by
//! `store_url` (sqlite:///…). InvalidArgument when neither applies (e.g. a PostgreSQL
//! store without token_file).
core::Result<std::string> token_path_for(const std::string& token_file,
                                         const std::string& store_url);

//! Reads the token at `path`, checking ownership and mode. When the file is absent and
//! `create_if_absent`, writes a new random one there (whole or not at all; if another
//! process wins the race, its token is read).
core::Result<ApiToken> load_api_token(const std::string& path, bool create_if_absent);

}  // namespace lifeboat::server

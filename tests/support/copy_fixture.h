// Helpers shared by the whole-binary `lifeboat copy` tests: running a copy and reading its
// JSON report, and building fixture trees (files, times, owners, deep chains).
//
// Helpers throw std::runtime_error naming the path when the fixture cannot be built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "support/process.h"

namespace lifeboat::testing {

//! The outcome of one `lifeboat copy` run.
struct CopyRun {
  ProcessResult process;
  core::Json report;  //!< the --report file's JSON; null when none was written or it is not JSON
  std::string report_text;  //!< the --report file as written

  //! Integer field `name` of the report; -1 when missing or not an integer.
  std::int64_t field(const std::string& name) const;
  //! The report's "status", or "" when missing.
  std::string status() const;
  //! Exit code, stdout, stderr and report, for assertion messages.
  std::string describe() const;
};

//! Runs `lifeboat --output json copy SRC DST --report FILE options...` under `timeout`
//! (a run that exceeds `timeout_seconds` is killed: exit code 124 or 137) and reads the report.
//! $LIFEBOAT_COPY_BIN, when set, replaces the built binary. `run_as`, when not empty, is a
//! command prefix such as {"setpriv", "--reuid=65534", ...} (the report directory is then made
//! writable for everyone).
CopyRun run_copy(const std::string& src, const std::string& dst,
                 const std::vector<std::string>& options = {}, int timeout_seconds = 300,
                 const std::vector<std::string>& run_as = {});

//! Creates (or truncates) `path` with `contents`.
void write_file(const std::string& path, const std::string& contents);
//! The whole file at `path`.
std::string read_file(const std::string& path);
//! Sets atime and mtime (nanoseconds since the epoch) of `path`, not following a symlink.
void set_times(const std::string& path, std::int64_t atime_ns, std::int64_t mtime_ns);
//! mtime of `path` in nanoseconds (not following a symlink).
std::int64_t mtime_ns_of(const std::string& path);
//! chown without following a symlink.
void set_owner(const std::string& path, unsigned uid, unsigned gid);
//! `size` bytes of deterministic pseudo-random data from `seed`.
std::string pseudo_random_bytes(std::size_t size, std::uint64_t seed);
//! A string unlikely to occur anywhere else (for "secret" contents).
std::string unique_token(const std::string& prefix);
//! Creates `levels` nested directories named `name` under `root` (relative to descriptors, so
//! the chain may be deeper than PATH_MAX) and a file `leaf_name` with `leaf_contents` at the
//! bottom.
void make_deep_chain(const std::string& root, const std::string& name, int levels,
                     const std::string& leaf_name, const std::string& leaf_contents);
//! Removes `path` and everything below it, at any depth (std::filesystem cannot go beyond
//! PATH_MAX). A missing path is fine.
void remove_tree(const std::string& path);
//! True if `path` exists (not following a symlink).
bool exists_nofollow(const std::string& path);

}  // namespace lifeboat::testing

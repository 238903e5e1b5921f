// ServeLock: one daemon per store. `serve` holds an exclusive flock on a lock file beside
// the SQLite store for its whole life; a second `serve` on the same store fails to take
// it and refuses to start, naming the holder (pid, host and start time, written into the
// file by the holder). The kernel drops the lock when the holder exits, however it exits,
// so a crash never leaves a stale lock. One-shot CLI commands do not take it: they share
// the store safely beside a daemon. Move-only; not shared between threads.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "fs/fd.h"

namespace lifeboat::server {

class ServeLock {
 public:
  //! The lock file for `store_url`: "<database>.serve.lock" for sqlite:///…; empty for
  //! stores that coordinate daemons themselves.
  static std::string path_for(const std::string& store_url);

  //! Takes the lock at `path` (created 0600 if absent, never through a symlink) and records
  //! this process (pid, host, `clock`'s now) in it. FailedPrecondition naming the holder
  //! when another process has it.
  static core::Result<ServeLock> acquire(const std::string& path, const core::Clock& clock);

  ServeLock() = default;
  const std::string& path() const { return path_; }

 private:
  ServeLock(fs::Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  fs::Fd fd_;
  std::string path_;
};

}  // namespace lifeboat::server

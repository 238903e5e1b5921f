// write_file_durably: THE way Lifeboat writes a file that must appear whole or not at all
// (leveldb's SetCurrentFile): write a temporary name in the same
// directory, fsync it, rename it over `name`, fsync the directory; on any failure the
// temporary is removed and the old file (if any) is left as it was.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "fs/file_system.h"

namespace lifeboat::fs {

//! Writes `contents` to `name` in directory `dir_fd` with mode `mode` (before umask is NOT
//! applied: the file gets exactly `mode`).
core::Status write_file_durably(FileSystem& fs, int dir_fd, const std::string& name,
                                std::string_view contents, mode_t mode = 0644);

//! Same for a path: its directory is opened normally (the caller chose it), the file name is
//! its last component. A path naming an existing device, fifo or socket (/dev/null,
//! /dev/stdout, a pipe; followed if a symlink) is written to directly, never replaced.
core::Status write_file_durably(FileSystem& fs, const std::string& path, std::string_view contents,
                                mode_t mode = 0644);

}  // namespace lifeboat::fs

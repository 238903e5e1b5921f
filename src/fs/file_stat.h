// FileStat and DirEntry: what the FileSystem seam reports about an entry (from statx and
// getdents64). Plain values.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <string>

namespace lifeboat::fs {

enum class FileType {
  kUnknown,
  kRegular,
  kDirectory,
  kSymlink,
  kFifo,
  kSocket,
  kCharDevice,
  kBlockDevice,
};

//! "file", "directory", "symlink", "fifo", "socket", "char device", "block device", "unknown".
const char* file_type_name(FileType type);
//! The FileType of an st_mode value.
FileType file_type_from_mode(std::uint32_t mode);

struct FileStat {
  FileType type = FileType::kUnknown;
  std::uint32_t mode = 0;  //!< full st_mode (type and permission bits)
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
  std::uint64_t blocks = 0;  //!< allocated 512-byte blocks
  std::uint64_t ino = 0;
  std::uint64_t dev = 0;  //!< device holding the entry
  std::uint64_t nlink = 0;
  std::uint64_t rdev = 0;  //!< for device nodes
  timespec atime{};
  timespec mtime{};

  //! Permission bits including setuid, setgid and sticky (mode & 07777).
  std::uint32_t permissions() const { return mode & 07777U; }
};

struct DirEntry {
  std::string name;                    //!< raw bytes, never "." or ".."
  FileType type = FileType::kUnknown;  //!< from d_type; kUnknown when the fs does not say
  std::uint64_t ino = 0;
};

}  // namespace lifeboat::fs

#include "fs/file_stat.h"

#include <sys/stat.h>

#include "core/enum_names.h"

namespace lifeboat::fs {}  // namespace lifeboat::fs

template <>
struct lifeboat::core::EnumNames<lifeboat::fs::FileType> {
  static constexpr std::array<EnumName<fs::FileType>, 8> kNames{
      {{fs::FileType::kRegular, "file"},
       {fs::FileType::kDirectory, "directory"},
       {fs::FileType::kSymlink, "symlink"},
       {fs::FileType::kFifo, "fifo"},
       {fs::FileType::kSocket, "socket"},
       {fs::FileType::kCharDevice, "char device"},
       {fs::FileType::kBlockDevice, "block device"},
       {fs::FileType::kUnknown, "unknown"}}};
};

namespace lifeboat::fs {

// The table's names are string literals: their data() ends in NUL.
const char* file_type_name(FileType type) { return core::name_of(type).data(); }

FileType file_type_from_mode(std::uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return FileType::kRegular;
    case S_IFDIR:
      return FileType::kDirectory;
    case S_IFLNK:
      return FileType::kSymlink;
    case S_IFIFO:
      return FileType::kFifo;
    case S_IFSOCK:
      return FileType::kSocket;
    case S_IFCHR:
      return FileType::kCharDevice;
    case S_IFBLK:
      return FileType::kBlockDevice;
    default:
      return FileType::kUnknown;
  }
}

}  // namespace lifeboat::fs

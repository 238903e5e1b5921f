#include "transfer/dir_open.h"

#include <cerrno>

namespace lifeboat::transfer {

core::Result<fs::Fd> open_for_reading(fs::FileSystem& fs, int dir_fd, const std::string& name,
                                      int flags) {
  auto fd = fs.open_at(dir_fd, name, flags | O_NOATIME);
  if (!fd.is_ok() && fd.status().sys_errno() == EPERM) fd = fs.open_at(dir_fd, name, flags);
  return fd;
}

core::Result<fs::Fd> open_dir_checked(fs::FileSystem& fs, const std::string& name, int dir_fd,
                                      std::uint64_t dev, std::uint64_t ino) {
  auto fd = open_for_reading(fs, dir_fd, name, O_RDONLY | O_DIRECTORY);
  if (!fd.is_ok()) return fd.status();
  auto st = fs.stat_at(fd->get(), "");
  if (!st.is_ok()) return st.status();
  if (st->dev != dev || st->ino != ino) {
    return core::Status::failed_precondition(
        "directory moved or replaced during the copy; not followed");
  }
  return fd;
}

}  // namespace lifeboat::transfer

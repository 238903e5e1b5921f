#include "fs/durable_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include <fmt/format.h>

namespace lifeboat::fs {

using core::Status;

namespace {

Status write_all(FileSystem& fs, int fd, std::string_view contents) {
  size_t done = 0;
  while (done < contents.size()) {
    auto n = fs.write(fd, contents.data() + done, contents.size() - done);
    if (!n.is_ok()) return n.status();
    if (*n == 0) return Status::from_errno(EIO, "write returned 0");
    done += *n;
  }
  return Status::ok();
}

}  // namespace

Status write_file_durably(FileSystem& fs, int dir_fd, const std::string& name,
                          std::string_view contents, mode_t mode) {
  static std::atomic<unsigned> counter{0};
  std::string tmp = fmt::format(".{}.tmp-{}-{}", name, ::getpid(), counter++);
  auto file = fs.open_at(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (!file.is_ok()) return file.status();
  auto fail = [&](const Status& st) {
    file->reset();
    (void)fs.unlink_at(dir_fd, tmp, false);
    return st.with_context(fmt::format("write '{}'", name));
  };
  if (Status st = write_all(fs, file->get(), contents); !st) return fail(st);
  if (Status st = fs.chmod_fd(file->get(), mode); !st) return fail(st);
  if (Status st = fs.fsync_fd(file->get()); !st) return fail(st);
  if (Status st = fs.rename_at(dir_fd, tmp, dir_fd, name, 0); !st) return fail(st);
  file->reset();
  // The rename is durable only once the directory itself is on disk.
  if (Status st = fs.fsync_fd(dir_fd); !st) return st.with_context(fmt::format("write '{}'", name));
  return Status::ok();
}

Status write_file_durably(FileSystem& fs, const std::string& path, std::string_view contents,
                          mode_t mode) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) return Status::invalid_argument(fmt::format("'{}' names no file", path));
  // A device, fifo or socket the caller named (--report /dev/null, /dev/stdout, a pipe)
  // is written to, never renamed over: as root, a rename would turn /dev/null into a
  // regular file for the whole system. The path is followed, as the caller chose it.
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode) &&
      !S_ISDIR(existing.st_mode)) {
    Fd out(::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC));
    if (!out.valid()) return Status::from_errno(errno, fmt::format("open '{}'", path));
    return write_all(fs, out.get(), contents).with_context(fmt::format("write '{}'", path));
  }
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd.valid()) {
    return Status::from_errno(errno, fmt::format("open directory '{}' of '{}'", dir, path));
  }
  return write_file_durably(fs, dir_fd.get(), name, contents, mode);
}

}  // namespace lifeboat::fs

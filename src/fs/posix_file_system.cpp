#include "fs/posix_file_system.h"

#include <acl/libacl.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace lifeboat::fs {

using core::Result;
using core::Status;

namespace {

Status errno_status(std::string_view op, const std::string& name) {
  if (name.empty()) return Status::from_errno(errno, op);
  return Status::from_errno(errno, fmt::format("{} '{}'", op, name));
}

long raw_openat2(int dir_fd, const char* path, int flags, std::uint64_t resolve) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags) | O_CLOEXEC;
  how.resolve = resolve;
  long rc;
  // RESOLVE_BENEATH answers EAGAIN when a rename raced with the lookup; retrying is safe.
  for (int attempt = 0; attempt < 16; ++attempt) {
    rc = syscall(SYS_openat2, dir_fd, path, &how, sizeof how);
    if (rc >= 0 || errno != EAGAIN) break;
  }
  return rc;
}

bool openat2_refused(int err) { return err == ENOSYS || err == EPERM || err == E2BIG; }

std::vector<std::string> split_components(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(pos, slash - pos);
    if (!part.empty() && part != ".") parts.push_back(std::move(part));
    pos = slash + 1;
  }
  return parts;
}

std::string proc_path(int fd, const std::string& link_name) {
  if (link_name.empty()) return fmt::format("/proc/self/fd/{}", fd);
  return fmt::format("/proc/self/fd/{}/{}", fd, link_name);
}

FileStat from_statx(const struct statx& sx) {
  FileStat st;
  st.mode = sx.stx_mode;
  st.type = file_type_from_mode(sx.stx_mode);
  st.uid = sx.stx_uid;
  st.gid = sx.stx_gid;
  st.size = sx.stx_size;
  st.blocks = sx.stx_blocks;
  st.ino = sx.stx_ino;
  st.dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
  st.nlink = sx.stx_nlink;
  st.rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
  st.atime = {static_cast<time_t>(sx.stx_atime.tv_sec), static_cast<long>(sx.stx_atime.tv_nsec)};
  st.mtime = {static_cast<time_t>(sx.stx_mtime.tv_sec), static_cast<long>(sx.stx_mtime.tv_nsec)};
  return st;
}

FileType type_from_dirent(unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
      return FileType::kRegular;
    case DT_DIR:
      return FileType::kDirectory;
    case DT_LNK:
      return FileType::kSymlink;
    case DT_FIFO:
      return FileType::kFifo;
    case DT_SOCK:
      return FileType::kSocket;
    case DT_CHR:
      return FileType::kCharDevice;
    case DT_BLK:
      return FileType::kBlockDevice;
    default:
      return FileType::kUnknown;
  }
}

struct LinuxDirent64 {
  std::uint64_t d_ino;
  std::int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[1];
};

struct AclDeleter {
  void operator()(void* acl) const { acl_free(acl); }
};
using AclPtr = std::unique_ptr<std::remove_pointer_t<acl_t>, AclDeleter>;

}  // namespace

PosixFileSystem& PosixFileSystem::instance() {
  static PosixFileSystem fs;
  return fs;
}

Result<Fd> PosixFileSystem::open_root(const std::string& path, bool create) {
  if (path.empty()) return Status::invalid_argument("open root: empty path");
  int flags = O_RDONLY | O_DIRECTORY;
  long rc = use_openat2_ ? raw_openat2(AT_FDCWD, path.c_str(), flags,
                                       RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)
                         : (errno = ENOSYS, -1);
  if (rc >= 0) return Fd(static_cast<int>(rc));
  int err = errno;
  if (err == ELOOP) {
    return Status::from_errno(
        err, fmt::format("open '{}' (a component of the path is a symbolic link, which a copy "
                         "root may not contain: give its real path)",
                         path));
  }
  if (!openat2_refused(err) && !(err == ENOENT && create)) {
    return Status::from_errno(err, fmt::format("open '{}'", path));
  }
  // Per-component walk: every component opened with O_NOFOLLOW, so a symlink anywhere
  // fails with ELOOP/ENOTDIR exactly as openat2 would have refused it.
  Fd cur(::open(path[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cur.valid()) return errno_status("open", path);
  for (const std::string& part : split_components(path)) {
    int fd = ::openat(cur.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(cur.get(), part.c_str(), 0755) != 0 && errno != EEXIST) {
        return Status::from_errno(errno, fmt::format("create directory '{}' of '{}'", part, path));
      }
      fd = ::openat(cur.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      if (errno == ELOOP || errno == ENOTDIR) {
        return Status::from_errno(
            errno, fmt::format("open '{}' (component '{}' is a symbolic link or not a "
                               "directory; a copy root must be a real directory path)",
                               path, part));
      }
      return Status::from_errno(errno, fmt::format("open '{}'", path));
    }
    cur.reset(fd);
  }
  return cur;
}

Result<Fd> PosixFileSystem::open_beneath(int root_fd, const std::string& rel_path, int flags) {
  const std::string& path = rel_path.empty() ? std::string(".") : rel_path;
  long rc = use_openat2_
                ? raw_openat2(root_fd, path.c_str(), flags | O_NOFOLLOW,
                              RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)
                : (errno = ENOSYS, -1);
  if (rc >= 0) return Fd(static_cast<int>(rc));
  if (!openat2_refused(errno)) return errno_status("open", rel_path);
  if (!rel_path.empty() && rel_path[0] == '/') {
    return Status::from_errno(EXDEV,
                              fmt::format("open '{}' (absolute path below a root)", rel_path));
  }
  std::vector<std::string> parts = split_components(rel_path);
  Fd cur(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
  if (!cur.valid()) return errno_status("open", rel_path);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "..") {
      return Status::from_errno(EXDEV, fmt::format("open '{}' ('..' below a root)", rel_path));
    }
    bool last = i + 1 == parts.size();
    int part_flags = last ? flags : O_PATH | O_DIRECTORY;
    int fd = ::openat(cur.get(), parts[i].c_str(), part_flags | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno_status("open", rel_path);
    cur.reset(fd);
  }
  if (parts.empty()) {
    int fd = ::openat(root_fd, ".", flags | O_CLOEXEC);
    if (fd < 0) return errno_status("open", rel_path);
    cur.reset(fd);
  }
  return cur;
}

Result<Fd> PosixFileSystem::open_at(int dir_fd, const std::string& name, int flags, mode_t mode) {
  int fd = ::openat(dir_fd, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return errno_status("open", name);
  return Fd(fd);
}

Result<FileStat> PosixFileSystem::stat_at(int dir_fd, const std::string& name) {
  struct statx sx {};
  int flags = AT_SYMLINK_NOFOLLOW | AT_STATX_SYNC_AS_STAT | (name.empty() ? AT_EMPTY_PATH : 0);
  if (::statx(dir_fd, name.c_str(), flags, STATX_BASIC_STATS, &sx) != 0) {
    return errno_status("stat", name);
  }
  return from_statx(sx);
}

Status PosixFileSystem::read_dir(int dir_fd, const std::function<Status(const DirEntry&)>& visit) {
  if (::lseek(dir_fd, 0, SEEK_SET) < 0) return errno_status("rewind directory", "");
  // 64 KiB holds hundreds of entries per system call; it lives on the heap because a
  // visitor may recurse (removing a tree) and a stack array would multiply with depth.
  constexpr size_t kBufSize = 64 * 1024;
  auto buf = std::make_unique<char[]>(kBufSize);
  DirEntry entry;
  for (;;) {
    long n = syscall(SYS_getdents64, dir_fd, buf.get(), kBufSize);
    if (n < 0) return errno_status("read directory", "");
    if (n == 0) return Status::ok();
    for (long off = 0; off < n;) {
      const auto* d = reinterpret_cast<const LinuxDirent64*>(buf.get() + off);
      off += d->d_reclen;
      const char* name = d->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      entry.name.assign(name);
      entry.type = type_from_dirent(d->d_type);
      entry.ino = d->d_ino;
      LIFEBOAT_RETURN_IF_ERROR(visit(entry));
    }
  }
}

Status PosixFileSystem::mkdir_at(int dir_fd, const std::string& name, mode_t mode) {
  if (::mkdirat(dir_fd, name.c_str(), mode) != 0) return errno_status("create directory", name);
  return Status::ok();
}

Result<std::string> PosixFileSystem::readlink_at(int dir_fd, const std::string& name) {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(dir_fd, name.c_str(), buf.data(), buf.size());
    if (n < 0) return errno_status("read link", name);
    if (static_cast<size_t>(n) < buf.size()) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    buf.resize(buf.size() * 4);
  }
}

Status PosixFileSystem::symlink_at(const std::string& target, int dir_fd, const std::string& name) {
  if (::symlinkat(target.c_str(), dir_fd, name.c_str()) != 0) {
    return errno_status("create symlink", name);
  }
  return Status::ok();
}

Status PosixFileSystem::link_at(int old_dir, const std::string& old_name, int new_dir,
                                const std::string& new_name) {
  if (::linkat(old_dir, old_name.c_str(), new_dir, new_name.c_str(), 0) != 0) {
    return errno_status("create hard link", new_name);
  }
  return Status::ok();
}

Result<Fd> PosixFileSystem::open_unnamed(int dir_fd, const std::string& for_name, int flags,
                                         mode_t mode) {
  int fd = ::openat(dir_fd, ".", flags | O_TMPFILE | O_CLOEXEC, mode);
  if (fd < 0) return errno_status("create", for_name);
  return Fd(fd);
}

Status PosixFileSystem::link_fd(int fd, int new_dir, const std::string& new_name) {
  // AT_EMPTY_PATH names the descriptor itself: allowed to the file's opener since Linux
  // 6.10, to holders of CAP_DAC_READ_SEARCH before. Elsewhere the /proc link works for any
  // user. Which one works is learned once per process.
  int way = link_way_.load(std::memory_order_relaxed);
  if (way != kLinkViaProc) {
    if (::linkat(fd, "", new_dir, new_name.c_str(), AT_EMPTY_PATH) == 0) {
      if (way == kLinkUnknown) link_way_.store(kLinkEmptyPath, std::memory_order_relaxed);
      return Status::ok();
    }
    if (errno != ENOENT && errno != EPERM) return errno_status("link into place", new_name);
    if (way == kLinkEmptyPath) return errno_status("link into place", new_name);
  }
  std::string self = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, self.c_str(), new_dir, new_name.c_str(), AT_SYMLINK_FOLLOW) != 0) {
    return errno_status("link into place", new_name);
  }
  if (way == kLinkUnknown) link_way_.store(kLinkViaProc, std::memory_order_relaxed);
  return Status::ok();
}

Status PosixFileSystem::rename_at(int old_dir, const std::string& old_name, int new_dir,
                                  const std::string& new_name, unsigned flags) {
  int rc = flags == 0 ? ::renameat(old_dir, old_name.c_str(), new_dir, new_name.c_str())
                      : ::renameat2(old_dir, old_name.c_str(), new_dir, new_name.c_str(), flags);
  if (rc != 0) return errno_status("rename to", new_name);
  return Status::ok();
}

Status PosixFileSystem::unlink_at(int dir_fd, const std::string& name, bool is_dir) {
  if (::unlinkat(dir_fd, name.c_str(), is_dir ? AT_REMOVEDIR : 0) != 0) {
    return errno_status("remove", name);
  }
  return Status::ok();
}

Status PosixFileSystem::mknod_at(int dir_fd, const std::string& name, mode_t mode, dev_t dev) {
  if (::mknodat(dir_fd, name.c_str(), mode, dev) != 0) return errno_status("create node", name);
  return Status::ok();
}

Status PosixFileSystem::chown_at(int dir_fd, const std::string& name, uid_t uid, gid_t gid) {
  if (::fchownat(dir_fd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno_status("change owner of", name);
  }
  return Status::ok();
}

Status PosixFileSystem::chown_fd(int fd, uid_t uid, gid_t gid) {
  if (::fchown(fd, uid, gid) != 0) return errno_status("change owner", "");
  return Status::ok();
}

Status PosixFileSystem::chmod_fd(int fd, mode_t mode) {
  if (::fchmod(fd, mode) != 0) return errno_status("change mode", "");
  return Status::ok();
}

Status PosixFileSystem::chmod_at(int dir_fd, const std::string& name, mode_t mode) {
  if (::fchmodat(dir_fd, name.c_str(), mode, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno_status("change mode of", name);
  }
  return Status::ok();
}

Status PosixFileSystem::set_times_at(int dir_fd, const std::string& name, const timespec times[2]) {
  if (::utimensat(dir_fd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno_status("set times of", name);
  }
  return Status::ok();
}

Status PosixFileSystem::set_times_fd(int fd, const timespec times[2]) {
  if (::futimens(fd, times) != 0) return errno_status("set times", "");
  return Status::ok();
}

Result<std::vector<std::string>> PosixFileSystem::list_xattrs(int fd,
                                                              const std::string& link_name) {
  std::string path = link_name.empty() ? std::string() : proc_path(fd, link_name);
  std::string buf(1024, '\0');
  for (;;) {
    ssize_t n = link_name.empty() ? ::flistxattr(fd, buf.data(), buf.size())
                                  : ::llistxattr(path.c_str(), buf.data(), buf.size());
    if (n < 0 && errno == ERANGE) {
      ssize_t need =
          link_name.empty() ? ::flistxattr(fd, nullptr, 0) : ::llistxattr(path.c_str(), nullptr, 0);
      if (need < 0) return errno_status("list xattrs of", link_name);
      buf.resize(static_cast<size_t>(need) + 256);
      continue;
    }
    if (n < 0) {
      if (errno == ENOTSUP) return std::vector<std::string>{};
      return errno_status("list xattrs of", link_name);
    }
    std::vector<std::string> keys;
    for (size_t pos = 0; pos < static_cast<size_t>(n);) {
      size_t len = std::strlen(buf.data() + pos);
      if (len > 0) keys.emplace_back(buf.data() + pos, len);
      pos += len + 1;
    }
    return keys;
  }
}

Result<std::string> PosixFileSystem::get_xattr(int fd, const std::string& link_name,
                                               const std::string& key) {
  std::string path = link_name.empty() ? std::string() : proc_path(fd, link_name);
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = link_name.empty() ? ::fgetxattr(fd, key.c_str(), buf.data(), buf.size())
                                  : ::lgetxattr(path.c_str(), key.c_str(), buf.data(), buf.size());
    if (n < 0 && errno == ERANGE) {
      ssize_t need = link_name.empty() ? ::fgetxattr(fd, key.c_str(), nullptr, 0)
                                       : ::lgetxattr(path.c_str(), key.c_str(), nullptr, 0);
      if (need < 0) return errno_status("read xattr " + key + " of", link_name);
      buf.resize(static_cast<size_t>(need) + 64);
      continue;
    }
    if (n < 0) return errno_status("read xattr " + key + " of", link_name);
    buf.resize(static_cast<size_t>(n));
    return buf;
  }
}

Status PosixFileSystem::set_xattr(int fd, const std::string& link_name, const std::string& key,
                                  const std::string& value) {
  int rc = link_name.empty() ? ::fsetxattr(fd, key.c_str(), value.data(), value.size(), 0)
                             : ::lsetxattr(proc_path(fd, link_name).c_str(), key.c_str(),
                                           value.data(), value.size(), 0);
  if (rc != 0) return errno_status("set xattr " + key + " on", link_name);
  return Status::ok();
}

Result<std::string> PosixFileSystem::get_acl(int fd, AclKind kind) {
  AclPtr acl(kind == AclKind::kAccess ? acl_get_fd(fd)
                                      : acl_get_file(proc_path(fd, "").c_str(), ACL_TYPE_DEFAULT));
  if (!acl) {
    if (errno == ENOTSUP || errno == ENODATA) return std::string();
    return errno_status("read ACL", "");
  }
  if (kind == AclKind::kAccess && acl_equiv_mode(acl.get(), nullptr) == 0) return std::string();
  if (kind == AclKind::kDefault && acl_entries(acl.get()) <= 0) return std::string();
  char* text = acl_to_any_text(acl.get(), nullptr, ',', TEXT_NUMERIC_IDS);
  if (text == nullptr) return errno_status("format ACL", "");
  std::string out(text);
  acl_free(text);
  return out;
}

Status PosixFileSystem::set_acl(int fd, AclKind kind, const std::string& text) {
  if (kind == AclKind::kDefault && text.empty()) {
    if (acl_delete_def_file(proc_path(fd, "").c_str()) != 0 && errno != ENOTSUP &&
        errno != ENODATA) {
      return errno_status("remove default ACL", "");
    }
    return Status::ok();
  }
  if (text.empty()) return Status::ok();
  AclPtr acl(acl_from_text(text.c_str()));
  if (!acl) return errno_status("parse ACL", text);
  int rc = kind == AclKind::kAccess
               ? acl_set_fd(fd, acl.get())
               : acl_set_file(proc_path(fd, "").c_str(), ACL_TYPE_DEFAULT, acl.get());
  if (rc != 0) return errno_status("set ACL", text);
  return Status::ok();
}

Result<size_t> PosixFileSystem::read(int fd, void* buf, size_t count) {
  for (;;) {
    ssize_t n = ::read(fd, buf, count);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return errno_status("read", "");
  }
}

Result<size_t> PosixFileSystem::pread(int fd, void* buf, size_t count, off_t offset) {
  for (;;) {
    ssize_t n = ::pread(fd, buf, count, offset);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return errno_status("read", "");
  }
}

Result<size_t> PosixFileSystem::write(int fd, const void* buf, size_t count) {
  for (;;) {
    ssize_t n = ::write(fd, buf, count);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return errno_status("write", "");
  }
}

Result<size_t> PosixFileSystem::pwrite(int fd, const void* buf, size_t count, off_t offset) {
  for (;;) {
    ssize_t n = ::pwrite(fd, buf, count, offset);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return errno_status("write", "");
  }
}

Result<size_t> PosixFileSystem::copy_range(int in_fd, off_t in_off, int out_fd, off_t out_off,
                                           size_t count) {
  loff_t in_pos = in_off;
  loff_t out_pos = out_off;
  ssize_t n = ::copy_file_range(in_fd, &in_pos, out_fd, &out_pos, count, 0);
  if (n >= 0) return static_cast<size_t>(n);
  int err = errno;
  if (err != EXDEV && err != EINVAL && err != ENOSYS && err != EOPNOTSUPP && err != EBADF) {
    return Status::from_errno(err, "copy");
  }
  // The kernel cannot copy between these files: do it through a buffer.
  thread_local std::unique_ptr<char[]> buffer;
  constexpr size_t kChunk = 1 << 20;
  if (!buffer) buffer = std::make_unique<char[]>(kChunk);
  size_t want = std::min(count, kChunk);
  auto got = pread(in_fd, buffer.get(), want, in_off);
  if (!got.is_ok()) return got.status();
  // Written in 64 KiB pieces, as the kernel's own copy does: larger writes make large
  // page-cache folios, slow on VMs whose balloon reports free memory (see copier.cpp).
  constexpr size_t kWritePiece = 64 << 10;
  size_t done = 0;
  while (done < *got) {
    auto put = pwrite(out_fd, buffer.get() + done, std::min(*got - done, kWritePiece),
                      out_off + static_cast<off_t>(done));
    if (!put.is_ok()) return put.status();
    if (*put == 0) return Status::from_errno(EIO, "write returned 0");
    done += *put;
  }
  return *got;
}

Result<off_t> PosixFileSystem::seek(int fd, off_t offset, int whence) {
  off_t pos = ::lseek(fd, offset, whence);
  if (pos < 0) return errno_status("seek", "");
  return pos;
}

Status PosixFileSystem::truncate_fd(int fd, off_t size) {
  if (::ftruncate(fd, size) != 0) return errno_status("truncate", "");
  return Status::ok();
}

Status PosixFileSystem::start_writeback(int fd, off_t offset, off_t count) {
  if (::sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE) != 0) {
    return errno_status("start writeback", "");
  }
  return Status::ok();
}

Status PosixFileSystem::fsync_fd(int fd) {
  if (::fsync(fd) != 0) return errno_status("fsync", "");
  return Status::ok();
}

Status PosixFileSystem::syncfs_fd(int fd) {
  if (::syncfs(fd) != 0) return errno_status("syncfs", "");
  return Status::ok();
}

}  // namespace lifeboat::fs

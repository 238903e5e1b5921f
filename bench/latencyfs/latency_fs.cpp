#include "latency_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

namespace lifeboat::bench {

LatencyFs::LatencyFs(std::string backing_dir, std::chrono::microseconds latency)
    : backing_dir_(std::move(backing_dir)), latency_(latency) {
  root_fd_ = ::open(backing_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd_ < 0) {
    throw std::runtime_error("latencyfs: cannot open backing directory " + backing_dir_ + ": " +
                             std::strerror(errno));
  }
  // fuse_main daemonizes and changes to "/", so the path-only xattr calls need an absolute
  // path.
  char* absolute = ::realpath(backing_dir_.c_str(), nullptr);
  if (absolute == nullptr) {
    throw std::runtime_error("latencyfs: cannot resolve backing directory " + backing_dir_ + ": " +
                             std::strerror(errno));
  }
  backing_dir_ = absolute;
  std::free(absolute);
}

LatencyFs::~LatencyFs() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

LatencyFs& LatencyFs::current() {
  return *static_cast<LatencyFs*>(fuse_get_context()->private_data);
}

void LatencyFs::delay() const {
  if (latency_.count() > 0) std::this_thread::sleep_for(latency_);
}

std::string LatencyFs::backing_path(const char* path) const {
  return backing_dir_ + (std::strcmp(path, "/") == 0 ? "" : path);
}

namespace {

// FUSE paths are absolute within the mount; the *at() calls want them relative to the
// backing directory descriptor ("." for the root itself).
const char* rel(const char* path) {
  while (*path == '/') ++path;
  return *path == '\0' ? "." : path;
}

int neg_errno(int rc) { return rc < 0 ? -errno : rc; }

// Charges the round-trip and returns the instance: the first line of every metadata op.
const LatencyFs& charged() {
  const LatencyFs& fs = LatencyFs::current();
  fs.delay();
  return fs;
}

// The daemon runs as root; an entry a non-root caller creates must belong to that caller,
// as it would on a network file system.
int give_to_caller(int dir_fd, const char* name) {
  const fuse_context* ctx = fuse_get_context();
  if (ctx->uid == 0 && ctx->gid == 0) return 0;
  return neg_errno(::fchownat(dir_fd, name, ctx->uid, ctx->gid, AT_SYMLINK_NOFOLLOW));
}

void* op_init(fuse_conn_info* conn, fuse_config* cfg) {
  // Report the backing inode numbers so hard links are visible as such (rsync -H, cp -a).
  cfg->use_ino = 1;
  cfg->readdir_ino = 1;
  // Operations that carry a file handle do not need the path; lets libfuse skip work.
  cfg->nullpath_ok = 1;
  // Asked for, but libfuse 3.14.0 (Debian 12) leaves it out of its INIT reply, so the kernel
  // still serialises lookups within one directory (bench/README.md, "latencyfs").
  if (conn->capable & FUSE_CAP_PARALLEL_DIROPS) conn->want |= FUSE_CAP_PARALLEL_DIROPS;
  if (conn->capable & FUSE_CAP_POSIX_ACL) conn->want |= FUSE_CAP_POSIX_ACL;
  if (conn->capable & FUSE_CAP_READDIRPLUS) conn->want |= FUSE_CAP_READDIRPLUS;
  return fuse_get_context()->private_data;
}

int op_getattr(const char* path, struct stat* st, fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  if (fi != nullptr) return neg_errno(::fstat(static_cast<int>(fi->fh), st));
  return neg_errno(::fstatat(fs.root_fd(), rel(path), st, AT_SYMLINK_NOFOLLOW));
}

int op_access(const char* path, int mask) {
  const LatencyFs& fs = charged();
  return neg_errno(::faccessat(fs.root_fd(), rel(path), mask, AT_SYMLINK_NOFOLLOW));
}

int op_readlink(const char* path, char* buf, size_t size) {
  const LatencyFs& fs = charged();
  if (size == 0) return -EINVAL;
  ssize_t n = ::readlinkat(fs.root_fd(), rel(path), buf, size - 1);
  if (n < 0) return -errno;
  buf[n] = '\0';
  return 0;
}

int op_opendir(const char* path, fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  int fd = ::openat(fs.root_fd(), rel(path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -errno;
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(fd);
    return -err;
  }
  fi->fh = reinterpret_cast<uint64_t>(dir);
  return 0;
}

// The whole directory is handed to libfuse in one call (offset 0 for every entry), so one
// listing costs one round-trip, like an NFS READDIRPLUS of a modest directory.
int op_readdir(const char* /*path*/, void* buf, fuse_fill_dir_t filler, off_t /*offset*/,
               fuse_file_info* fi, fuse_readdir_flags flags) {
  charged();
  DIR* dir = reinterpret_cast<DIR*>(fi->fh);
  ::rewinddir(dir);
  const bool plus = (flags & FUSE_READDIR_PLUS) != 0;
  errno = 0;
  while (dirent* ent = ::readdir(dir)) {
    struct stat st {};
    auto fill = static_cast<fuse_fill_dir_flags>(0);
    if (plus && ::fstatat(::dirfd(dir), ent->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      fill = FUSE_FILL_DIR_PLUS;
    } else {
      st.st_ino = ent->d_ino;
      st.st_mode = static_cast<mode_t>(DTTOIF(ent->d_type));
    }
    if (filler(buf, ent->d_name, &st, 0, fill) != 0) return -ENOMEM;
    errno = 0;
  }
  return -errno;
}

int op_releasedir(const char* /*path*/, fuse_file_info* fi) {
  ::closedir(reinterpret_cast<DIR*>(fi->fh));
  return 0;
}

int op_mknod(const char* path, mode_t mode, dev_t rdev) {
  const LatencyFs& fs = charged();
  const char* name = rel(path);
  int rc = S_ISFIFO(mode) ? ::mkfifoat(fs.root_fd(), name, mode)
                          : ::mknodat(fs.root_fd(), name, mode, rdev);
  if (rc < 0) return -errno;
  return give_to_caller(fs.root_fd(), name);
}

int op_mkdir(const char* path, mode_t mode) {
  const LatencyFs& fs = charged();
  if (::mkdirat(fs.root_fd(), rel(path), mode) < 0) return -errno;
  return give_to_caller(fs.root_fd(), rel(path));
}

int op_symlink(const char* target, const char* path) {
  const LatencyFs& fs = charged();
  if (::symlinkat(target, fs.root_fd(), rel(path)) < 0) return -errno;
  return give_to_caller(fs.root_fd(), rel(path));
}

int op_link(const char* from, const char* to) {
  const LatencyFs& fs = charged();
  return neg_errno(::linkat(fs.root_fd(), rel(from), fs.root_fd(), rel(to), 0));
}

int op_unlink(const char* path) {
  const LatencyFs& fs = charged();
  return neg_errno(::unlinkat(fs.root_fd(), rel(path), 0));
}

int op_rmdir(const char* path) {
  const LatencyFs& fs = charged();
  return neg_errno(::unlinkat(fs.root_fd(), rel(path), AT_REMOVEDIR));
}

int op_rename(const char* from, const char* to, unsigned int flags) {
  const LatencyFs& fs = charged();
  return neg_errno(::renameat2(fs.root_fd(), rel(from), fs.root_fd(), rel(to), flags));
}

int op_chmod(const char* path, mode_t mode, fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  if (fi != nullptr) return neg_errno(::fchmod(static_cast<int>(fi->fh), mode));
  // fchmodat cannot act on a symlink itself; the kernel never asks for that (Linux links
  // have no mode of their own), so following is what chmod(2) on a path means here.
  return neg_errno(::fchmodat(fs.root_fd(), rel(path), mode, 0));
}

int op_chown(const char* path, uid_t uid, gid_t gid, fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  if (fi != nullptr) return neg_errno(::fchown(static_cast<int>(fi->fh), uid, gid));
  return neg_errno(::fchownat(fs.root_fd(), rel(path), uid, gid, AT_SYMLINK_NOFOLLOW));
}

int op_truncate(const char* path, off_t size, fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  if (fi != nullptr) return neg_errno(::ftruncate(static_cast<int>(fi->fh), size));
  int fd = ::openat(fs.root_fd(), rel(path), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -errno;
  int rc = neg_errno(::ftruncate(fd, size));
  ::close(fd);
  return rc;
}

int op_utimens(const char* path, const struct timespec tv[2], fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  if (fi != nullptr) return neg_errno(::futimens(static_cast<int>(fi->fh), tv));
  return neg_errno(::utimensat(fs.root_fd(), rel(path), tv, AT_SYMLINK_NOFOLLOW));
}

int op_open(const char* path, fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  int fd = ::openat(fs.root_fd(), rel(path), fi->flags | O_CLOEXEC);
  if (fd < 0) return -errno;
  fi->fh = static_cast<uint64_t>(fd);
  return 0;
}

int op_create(const char* path, mode_t mode, fuse_file_info* fi) {
  const LatencyFs& fs = charged();
  int fd = ::openat(fs.root_fd(), rel(path), fi->flags | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) return -errno;
  fi->fh = static_cast<uint64_t>(fd);
  const fuse_context* ctx = fuse_get_context();
  if ((ctx->uid != 0 || ctx->gid != 0) && ::fchown(fd, ctx->uid, ctx->gid) < 0) {
    int err = errno;
    ::close(fd);
    return -err;
  }
  return 0;
}

int op_read(const char* /*path*/, char* buf, size_t size, off_t offset, fuse_file_info* fi) {
  ssize_t n = ::pread(static_cast<int>(fi->fh), buf, size, offset);
  return n < 0 ? -errno : static_cast<int>(n);
}

int op_write(const char* /*path*/, const char* buf, size_t size, off_t offset, fuse_file_info* fi) {
  ssize_t n = ::pwrite(static_cast<int>(fi->fh), buf, size, offset);
  return n < 0 ? -errno : static_cast<int>(n);
}

int op_statfs(const char* /*path*/, struct statvfs* st) {
  const LatencyFs& fs = charged();
  return neg_errno(::fstatvfs(fs.root_fd(), st));
}

// close() of a dup reports delayed write errors to the closer, as a real file system would.
int op_flush(const char* /*path*/, fuse_file_info* fi) {
  int fd = ::dup(static_cast<int>(fi->fh));
  if (fd < 0) return -errno;
  return neg_errno(::close(fd));
}

int op_release(const char* /*path*/, fuse_file_info* fi) {
  ::close(static_cast<int>(fi->fh));
  return 0;
}

int op_fsync(const char* /*path*/, int datasync, fuse_file_info* fi) {
  charged();
  int fd = static_cast<int>(fi->fh);
  return neg_errno(datasync != 0 ? ::fdatasync(fd) : ::fsync(fd));
}

int op_fallocate(const char* /*path*/, int mode, off_t offset, off_t length, fuse_file_info* fi) {
  charged();
  return neg_errno(::fallocate(static_cast<int>(fi->fh), mode, offset, length));
}

int op_setxattr(const char* path, const char* name, const char* value, size_t size, int flags) {
  const LatencyFs& fs = charged();
  return neg_errno(::lsetxattr(fs.backing_path(path).c_str(), name, value, size, flags));
}

int op_getxattr(const char* path, const char* name, char* value, size_t size) {
  const LatencyFs& fs = charged();
  ssize_t n = ::lgetxattr(fs.backing_path(path).c_str(), name, value, size);
  return n < 0 ? -errno : static_cast<int>(n);
}

int op_listxattr(const char* path, char* list, size_t size) {
  const LatencyFs& fs = charged();
  ssize_t n = ::llistxattr(fs.backing_path(path).c_str(), list, size);
  return n < 0 ? -errno : static_cast<int>(n);
}

int op_removexattr(const char* path, const char* name) {
  const LatencyFs& fs = charged();
  return neg_errno(::lremovexattr(fs.backing_path(path).c_str(), name));
}

ssize_t op_copy_file_range(const char* /*path_in*/, fuse_file_info* fi_in, off_t off_in,
                           const char* /*path_out*/, fuse_file_info* fi_out, off_t off_out,
                           size_t len, int flags) {
  loff_t in = off_in;
  loff_t out = off_out;
  ssize_t n = ::copy_file_range(static_cast<int>(fi_in->fh), &in, static_cast<int>(fi_out->fh),
                                &out, len, static_cast<unsigned int>(flags));
  return n < 0 ? -errno : n;
}

off_t op_lseek(const char* /*path*/, off_t off, int whence, fuse_file_info* fi) {
  charged();
  off_t r = ::lseek(static_cast<int>(fi->fh), off, whence);
  return r < 0 ? -errno : r;
}

}  // namespace

fuse_operations LatencyFs::operations() {
  fuse_operations ops{};
  ops.init = op_init;
  ops.getattr = op_getattr;
  ops.access = op_access;
  ops.readlink = op_readlink;
  ops.opendir = op_opendir;
  ops.readdir = op_readdir;
  ops.releasedir = op_releasedir;
  ops.mknod = op_mknod;
  ops.mkdir = op_mkdir;
  ops.symlink = op_symlink;
  ops.link = op_link;
  ops.unlink = op_unlink;
  ops.rmdir = op_rmdir;
  ops.rename = op_rename;
  ops.chmod = op_chmod;
  ops.chown = op_chown;
  ops.truncate = op_truncate;
  ops.utimens = op_utimens;
  ops.open = op_open;
  ops.create = op_create;
  ops.read = op_read;
  ops.write = op_write;
  ops.statfs = op_statfs;
  ops.flush = op_flush;
  ops.release = op_release;
  ops.fsync = op_fsync;
  ops.fallocate = op_fallocate;
  ops.setxattr = op_setxattr;
  ops.getxattr = op_getxattr;
  ops.listxattr = op_listxattr;
  ops.removexattr = op_removexattr;
  ops.copy_file_range = op_copy_file_range;
  ops.lseek = op_lseek;
  return ops;
}

}  // namespace lifeboat::bench

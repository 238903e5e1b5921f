// FileSystem: the seam between Lifeboat and the operating system's file calls (like
// leveldb's Env). Every operation is relative to a directory descriptor and NEVER follows a
// symbolic link in the name it is given: names are single components (no '/'), except
// open_beneath's path, which is resolved with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS.
//
// Errors come back as core::Status made by core::Status::from_errno (the errno is kept in
// Status::sys_errno(), which callers use to tell ENOENT, ENOSPC, ... apart).
//
// Implementations: PosixFileSystem (production) and FaultInjectingFileSystem (tests; wraps
// another FileSystem and fails chosen calls). Implementations must be safe to call from many
// threads at once.
#pragma once

#include <sys/types.h>

#include <cerrno>

#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "fs/fd.h"
#include "fs/file_stat.h"

namespace lifeboat::fs {

enum class AclKind { kAccess, kDefault };

//! True for the errors open_unnamed gives where the file system has no unnamed files.
inline bool is_unnamed_unsupported(int err) {
  return err == EOPNOTSUPP || err == EISDIR || err == EINVAL || err == ENOSYS;
}

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  //! Opens directory `path` as a copy root (O_DIRECTORY). `path` must contain no symbolic
  //! link in any component (openat2 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS from "/" or
  //! the working directory; where openat2 is refused, a per-component O_NOFOLLOW walk).
  //! With `create`, missing components are created (mode 0755, like mkdir -p).
  virtual core::Result<Fd> open_root(const std::string& path, bool create) = 0;
  //! Opens `rel_path` (may hold '/') below `root_fd` with openat2(RESOLVE_BENEATH |
  //! RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), falling back to a per-component
  //! O_NOFOLLOW walk (".." refused) where openat2 is unavailable.
  virtual core::Result<Fd> open_beneath(int root_fd, const std::string& rel_path, int flags) = 0;
  //! openat(dir_fd, name, flags | O_NOFOLLOW | O_CLOEXEC, mode).
  virtual core::Result<Fd> open_at(int dir_fd, const std::string& name, int flags,
                                   mode_t mode = 0) = 0;
  //! statx(dir_fd, name, AT_SYMLINK_NOFOLLOW); an empty name stats `dir_fd` itself.
  virtual core::Result<FileStat> stat_at(int dir_fd, const std::string& name) = 0;
  //! Streams the entries of directory `dir_fd` (getdents64, from its start; "." and ".."
  //! left out) to `visit`; stops at and returns the first non-OK status `visit` returns.
  virtual core::Status read_dir(int dir_fd,
                                const std::function<core::Status(const DirEntry&)>& visit) = 0;

  virtual core::Status mkdir_at(int dir_fd, const std::string& name, mode_t mode) = 0;
  virtual core::Result<std::string> readlink_at(int dir_fd, const std::string& name) = 0;
  virtual core::Status symlink_at(const std::string& target, int dir_fd,
                                  const std::string& name) = 0;
  //! linkat without AT_SYMLINK_FOLLOW: links the entry itself.
  virtual core::Status link_at(int old_dir, const std::string& old_name, int new_dir,
                               const std::string& new_name) = 0;
  //! A new regular file in directory `dir_fd` with no name yet (openat(dir_fd, ".",
  //! O_TMPFILE | flags, mode)): nothing can see it, and the kernel frees it if it is closed
  //! or the process dies before link_fd gives it a name. `for_name` is the name it is meant
  //! to get (for messages only). Where the file system cannot (NFS, most FUSE file systems,
  //! old kernels) it fails with EOPNOTSUPP, EISDIR or EINVAL: see is_unnamed_unsupported.
  virtual core::Result<Fd> open_unnamed(int dir_fd, const std::string& for_name, int flags,
                                        mode_t mode) = 0;
  //! Names the open file `fd` (one from open_unnamed, or any other) `new_name` in `new_dir`:
  //! linkat through /proc/self/fd/N with AT_SYMLINK_FOLLOW, or AT_EMPTY_PATH where /proc is
  //! not mounted (needs CAP_DAC_READ_SEARCH). Never replaces: EEXIST when the name is taken.
  virtual core::Status link_fd(int fd, int new_dir, const std::string& new_name) = 0;
  //! renameat2 with `flags` (0, RENAME_NOREPLACE, RENAME_EXCHANGE).
  virtual core::Status rename_at(int old_dir, const std::string& old_name, int new_dir,
                                 const std::string& new_name, unsigned flags = 0) = 0;
  //! unlinkat; `is_dir` removes an (empty) directory.
  virtual core::Status unlink_at(int dir_fd, const std::string& name, bool is_dir) = 0;
  virtual core::Status mknod_at(int dir_fd, const std::string& name, mode_t mode, dev_t dev) = 0;

  //! fchownat(AT_SYMLINK_NOFOLLOW): changes a symlink itself. -1 leaves an id unchanged.
  virtual core::Status chown_at(int dir_fd, const std::string& name, uid_t uid, gid_t gid) = 0;
  virtual core::Status chown_fd(int fd, uid_t uid, gid_t gid) = 0;
  virtual core::Status chmod_fd(int fd, mode_t mode) = 0;
  //! fchmodat(AT_SYMLINK_NOFOLLOW): refuses (EOPNOTSUPP) to change a symlink, never follows.
  virtual core::Status chmod_at(int dir_fd, const std::string& name, mode_t mode) = 0;
  //! utimensat(AT_SYMLINK_NOFOLLOW); times[0] = atime, times[1] = mtime, ns precision.
  virtual core::Status set_times_at(int dir_fd, const std::string& name,
                                    const timespec times[2]) = 0;
  virtual core::Status set_times_fd(int fd, const timespec times[2]) = 0;

  //! Extended attributes of `fd`, or — when `link_name` is not empty — of the symlink
  //! `link_name` in directory `fd` (l*xattr calls through /proc/self/fd, never followed).
  virtual core::Result<std::vector<std::string>> list_xattrs(int fd,
                                                             const std::string& link_name) = 0;
  virtual core::Result<std::string> get_xattr(int fd, const std::string& link_name,
                                              const std::string& key) = 0;
  virtual core::Status set_xattr(int fd, const std::string& link_name, const std::string& key,
                                 const std::string& value) = 0;
  //! POSIX ACL of `fd` as text with numeric ids (libacl); empty when the file has none
  //! beyond its mode bits (access) or no default ACL (default; directories only).
  virtual core::Result<std::string> get_acl(int fd, AclKind kind) = 0;
  //! Sets the ACL from get_acl's text; an empty text removes a default ACL.
  virtual core::Status set_acl(int fd, AclKind kind, const std::string& text) = 0;

  virtual core::Result<size_t> read(int fd, void* buf, size_t count) = 0;
  virtual core::Result<size_t> pread(int fd, void* buf, size_t count, off_t offset) = 0;
  virtual core::Result<size_t> write(int fd, const void* buf, size_t count) = 0;
  virtual core::Result<size_t> pwrite(int fd, const void* buf, size_t count, off_t offset) = 0;
  //! Copies up to `count` bytes in the kernel (copy_file_range), falling back to pread/pwrite
  //! when the kernel refuses (EXDEV, EINVAL, ENOSYS, EOPNOTSUPP). Returns bytes copied, 0 at
  //! end of input.
  virtual core::Result<size_t> copy_range(int in_fd, off_t in_off, int out_fd, off_t out_off,
                                          size_t count) = 0;
  //! lseek; SEEK_DATA/SEEK_HOLE past the last data give a status with sys_errno() == ENXIO.
  virtual core::Result<off_t> seek(int fd, off_t offset, int whence) = 0;
  virtual core::Status truncate_fd(int fd, off_t size) = 0;
  //! Starts writing `count` bytes of `fd` from `offset` back to storage without waiting
  //! (sync_file_range SYNC_FILE_RANGE_WRITE), so that a large file's data goes out while
  //! the rest is still being copied. Promises nothing about durability; EINVAL/ESPIPE where
  //! the file system has no such thing.
  virtual core::Status start_writeback(int fd, off_t offset, off_t count) = 0;
  virtual core::Status fsync_fd(int fd) = 0;
  virtual core::Status syncfs_fd(int fd) = 0;
};

}  // namespace lifeboat::fs

// PosixFileSystem: the production FileSystem, straight onto Linux system calls (openat2,
// statx, getdents64, copy_file_range, *xattr, libacl). Safe from any thread; its only state
// is which way of naming an open file (link_fd) the kernel allows, learned on first use.
#pragma once

#include <atomic>

#include "fs/file_system.h"

namespace lifeboat::fs {

class PosixFileSystem final : public FileSystem {
 public:
  //! A process-wide instance (the class holds no state).
  static PosixFileSystem& instance();

  //! `use_openat2` false takes the per-component O_NOFOLLOW walk that kernels without
  //! openat2 (or seccomp filters that refuse it) get — so tests can cover that path.
  explicit PosixFileSystem(bool use_openat2 = true) : use_openat2_(use_openat2) {}

  core::Result<Fd> open_root(const std::string& path, bool create) override;
  core::Result<Fd> open_beneath(int root_fd, const std::string& rel_path, int flags) override;
  core::Result<Fd> open_at(int dir_fd, const std::string& name, int flags, mode_t mode) override;
  core::Result<FileStat> stat_at(int dir_fd, const std::string& name) override;
  core::Status read_dir(int dir_fd,
                        const std::function<core::Status(const DirEntry&)>& visit) override;
  core::Status mkdir_at(int dir_fd, const std::string& name, mode_t mode) override;
  core::Result<std::string> readlink_at(int dir_fd, const std::string& name) override;
  core::Status symlink_at(const std::string& target, int dir_fd, const std::string& name) override;
  core::Status link_at(int old_dir, const std::string& old_name, int new_dir,
                       const std::string& new_name) override;
  core::Result<Fd> open_unnamed(int dir_fd, const std::string& for_name, int flags,
                                mode_t mode) override;
  core::Status link_fd(int fd, int new_dir, const std::string& new_name) override;
  core::Status rename_at(int old_dir, const std::string& old_name, int new_dir,
                         const std::string& new_name, unsigned flags) override;
  core::Status unlink_at(int dir_fd, const std::string& name, bool is_dir) override;
  core::Status mknod_at(int dir_fd, const std::string& name, mode_t mode, dev_t dev) override;
  core::Status chown_at(int dir_fd, const std::string& name, uid_t uid, gid_t gid) override;
  core::Status chown_fd(int fd, uid_t uid, gid_t gid) override;
  core::Status chmod_fd(int fd, mode_t mode) override;
  core::Status chmod_at(int dir_fd, const std::string& name, mode_t mode) override;
  core::Status set_times_at(int dir_fd, const std::string& name, const timespec times[2]) override;
  core::Status set_times_fd(int fd, const timespec times[2]) override;
  core::Result<std::vector<std::string>> list_xattrs(int fd, const std::string& link_name) override;
  core::Result<std::string> get_xattr(int fd, const std::string& link_name,
                                      const std::string& key) override;
  core::Status set_xattr(int fd, const std::string& link_name, const std::string& key,
                         const std::string& value) override;
  core::Result<std::string> get_acl(int fd, AclKind kind) override;
  core::Status set_acl(int fd, AclKind kind, const std::string& text) override;
  core::Result<size_t> read(int fd, void* buf, size_t count) override;
  core::Result<size_t> pread(int fd, void* buf, size_t count, off_t offset) override;
  core::Result<size_t> write(int fd, const void* buf, size_t count) override;
  core::Result<size_t> pwrite(int fd, const void* buf, size_t count, off_t offset) override;
  core::Result<size_t> copy_range(int in_fd, off_t in_off, int out_fd, off_t out_off,
                                  size_t count) override;
  core::Result<off_t> seek(int fd, off_t offset, int whence) override;
  core::Status truncate_fd(int fd, off_t size) override;
  core::Status start_writeback(int fd, off_t offset, off_t count) override;
  core::Status fsync_fd(int fd) override;
  core::Status syncfs_fd(int fd) override;

 private:
  static constexpr int kLinkUnknown = 0, kLinkEmptyPath = 1, kLinkViaProc = 2;
  bool use_openat2_;
  std::atomic<int> link_way_{kLinkUnknown};
};

}  // namespace lifeboat::fs

// FaultInjectingFileSystem: a FileSystem that forwards every call to another one and makes
// chosen calls fail with a chosen errno — for tests of how the engine handles EIO, ENOSPC,
// EACCES, ... on one file — or silently corrupts a byte of the data a call moves, as a bad
// disk, cable or memory would, for tests of verification (leveldb's EnvWrapper pattern).
//
// A rule names an operation and an entry name. Calls that take a name match it directly;
// calls on a descriptor (read, write, copy_range, chmod, ...) match the name the descriptor
// was opened under through this wrapper (open_unnamed: the name the file is meant to get).
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fs/file_system.h"

namespace lifeboat::fs {

enum class FaultOp {
  kAny,
  kOpen,      //!< open_at, open_beneath, open_unnamed (matched against the name it is for)
  kStat,      //!< stat_at
  kReadDir,   //!< read_dir
  kRead,      //!< read, pread, and copy_range's input side
  kWrite,     //!< write, pwrite, truncate, and copy_range's output side
  kMkdir,     //!< mkdir_at, mknod_at, symlink_at, link_at
  kRename,    //!< rename_at, link_fd (matched against the new name)
  kUnlink,    //!< unlink_at
  kMetadata,  //!< chown, chmod, set_times, set_xattr, set_acl
  kSync,      //!< fsync_fd, syncfs_fd, start_writeback
};

struct FaultRule {
  FaultOp op = FaultOp::kAny;
  std::string name;  //!< entry name to match; empty matches every name
  int error = EIO;   //!< errno the call fails with
  int times = -1;    //!< how many calls fail before the rule retires; -1: forever
};

//! Flips every bit of the byte at `offset` of a file as it is read or written: the call
//! succeeds and nothing reports the damage.
struct CorruptionRule {
  //! kRead: the data read, pread, or copied out by copy_range from the file is corrupted
  //! (copy_range's copy arrives corrupted at its output); kWrite: the data written, pwritten
  //! or copied by copy_range into the file lands corrupted. No other op is used.
  FaultOp op = FaultOp::kWrite;
  std::string name;  //!< entry name to match; empty matches every name
  off_t offset = 0;  //!< file offset of the byte to corrupt
  int times = 1;     //!< how many calls covering `offset` are corrupted; -1: forever
};

class FaultInjectingFileSystem final : public FileSystem {
 public:
  //! `base` is not owned and must outlive this object.
  explicit FaultInjectingFileSystem(FileSystem& base) : base_(base) {}

  //! Adds a rule; rules are tried in the order added.
  void add_rule(FaultRule rule);
  //! Adds a corruption rule; rules are tried in the order added, and each call corrupts at
  //! most one byte per rule.
  void add_corruption(CorruptionRule rule);
  //! Removes every fault and corruption rule.
  void clear_rules();
  //! From now on, keeps the (operation, name) of every call in the order made — for tests
  //! of the order in which the engine does things.
  void record_calls();
  std::vector<std::pair<FaultOp, std::string>> calls();
  //! How many calls have been failed so far.
  int faults_injected() const { return injected_.load(); }
  //! How many bytes have been corrupted so far.
  int corruptions_injected() const { return corrupted_.load(); }
  //! false: open_unnamed fails with EOPNOTSUPP, as on NFS (EFS) or FUSE, so the copier
  //! takes its temporary-name path.
  void set_unnamed_files(bool available) { unnamed_files_.store(available); }
  //! How many times each way of putting a file in place was called (failed calls count).
  int unnamed_opens() const { return unnamed_opens_.load(); }
  int fd_links() const { return fd_links_.load(); }
  int renames() const { return renames_.load(); }

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
  //! A failing status when a rule matches (op, name), else OK.
  core::Status check(FaultOp op, const std::string& name);
  core::Status check_fd(FaultOp op, int fd);
  core::Result<Fd> remember(core::Result<Fd> fd, const std::string& name);
  //! The file offsets, within [begin, begin + count), that rules for (op, the name of `fd`)
  //! corrupt now; each counts against its rule's `times`.
  std::vector<off_t> corruptions_for(FaultOp op, int fd, off_t begin, size_t count);
  //! True while a corruption rule may still fire (saves a position lookup otherwise).
  bool corrupting();
  //! The current offset of `fd` when a corruption rule may fire, for read and write.
  off_t position_for_corruption(int fd);
  //! Flips the byte at `at` of the file `fd` in place.
  core::Status flip_byte_in_file(int fd, off_t at);
  //! Flips, in the `count` bytes just read into `buf` from offset `at` of `fd`, those that
  //! rules corrupt.
  void corrupt_read(int fd, void* buf, size_t count, off_t at);
  //! write/pwrite's data with the bytes that rules corrupt flipped (a copy; the caller's
  //! buffer is left alone), or nullopt when nothing is corrupted.
  std::optional<std::string> corrupted_copy(int fd, const void* buf, size_t count, off_t at);

  FileSystem& base_;
  std::mutex mu_;
  std::vector<FaultRule> rules_;
  std::vector<CorruptionRule> corruptions_;
  std::map<int, std::string> fd_names_;
  bool recording_ = false;
  std::vector<std::pair<FaultOp, std::string>> calls_;
  std::atomic<int> injected_{0};
  std::atomic<int> corrupted_{0};
  std::atomic<bool> unnamed_files_{true};
  std::atomic<int> unnamed_opens_{0}, fd_links_{0}, renames_{0};
};

}  // namespace lifeboat::fs

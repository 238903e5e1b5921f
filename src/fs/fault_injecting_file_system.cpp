#include "fs/fault_injecting_file_system.h"

#include <fmt/format.h>

namespace lifeboat::fs {

using core::Result;
using core::Status;

void FaultInjectingFileSystem::add_rule(FaultRule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(std::move(rule));
}

void FaultInjectingFileSystem::add_corruption(CorruptionRule rule) {
  std::lock_guard lock(mu_);
  corruptions_.push_back(std::move(rule));
}

void FaultInjectingFileSystem::clear_rules() {
  std::lock_guard lock(mu_);
  rules_.clear();
  corruptions_.clear();
}

bool FaultInjectingFileSystem::corrupting() {
  std::lock_guard lock(mu_);
  for (const CorruptionRule& rule : corruptions_) {
    if (rule.times != 0) return true;
  }
  return false;
}

std::vector<off_t> FaultInjectingFileSystem::corruptions_for(FaultOp op, int fd, off_t begin,
                                                             size_t count) {
  std::vector<off_t> hits;
  std::lock_guard lock(mu_);
  if (corruptions_.empty()) return hits;
  auto it = fd_names_.find(fd);
  const std::string name = it != fd_names_.end() ? it->second : std::string();
  for (CorruptionRule& rule : corruptions_) {
    if (rule.times == 0 || rule.op != op) continue;
    if (!rule.name.empty() && rule.name != name) continue;
    if (rule.offset < begin || rule.offset >= begin + static_cast<off_t>(count)) continue;
    if (rule.times > 0) --rule.times;
    ++corrupted_;
    hits.push_back(rule.offset);
  }
  return hits;
}

off_t FaultInjectingFileSystem::position_for_corruption(int fd) {
  if (!corrupting()) return 0;
  auto pos = base_.seek(fd, 0, SEEK_CUR);
  return pos.is_ok() ? *pos : 0;
}

Status FaultInjectingFileSystem::flip_byte_in_file(int fd, off_t at) {
  unsigned char byte = 0;
  auto n = base_.pread(fd, &byte, 1, at);
  if (!n.is_ok()) return n.status();
  if (*n != 1) return Status::io_error(fmt::format("corrupt: no byte at offset {}", at));
  byte = static_cast<unsigned char>(~byte);
  auto w = base_.pwrite(fd, &byte, 1, at);
  if (!w.is_ok()) return w.status();
  return Status::ok();
}

void FaultInjectingFileSystem::corrupt_read(int fd, void* buf, size_t count, off_t at) {
  for (off_t hit : corruptions_for(FaultOp::kRead, fd, at, count)) {
    auto& byte = static_cast<unsigned char*>(buf)[hit - at];
    byte = static_cast<unsigned char>(~byte);
  }
}

std::optional<std::string> FaultInjectingFileSystem::corrupted_copy(int fd, const void* buf,
                                                                    size_t count, off_t at) {
  std::vector<off_t> hits = corruptions_for(FaultOp::kWrite, fd, at, count);
  if (hits.empty()) return std::nullopt;
  std::string data(static_cast<const char*>(buf), count);
  for (off_t hit : hits) {
    auto& byte = data[static_cast<size_t>(hit - at)];
    byte = static_cast<char>(~byte);
  }
  return data;
}

void FaultInjectingFileSystem::record_calls() {
  std::lock_guard lock(mu_);
  recording_ = true;
}

std::vector<std::pair<FaultOp, std::string>> FaultInjectingFileSystem::calls() {
  std::lock_guard lock(mu_);
  return calls_;
}

Status FaultInjectingFileSystem::check(FaultOp op, const std::string& name) {
  std::lock_guard lock(mu_);
  if (recording_) calls_.emplace_back(op, name);
  for (FaultRule& rule : rules_) {
    if (rule.times == 0) continue;
    if (rule.op != FaultOp::kAny && rule.op != op) continue;
    if (!rule.name.empty() && rule.name != name) continue;
    if (rule.times > 0) --rule.times;
    ++injected_;
    return Status::from_errno(rule.error, fmt::format("injected fault on '{}'", name));
  }
  return Status::ok();
}

Status FaultInjectingFileSystem::check_fd(FaultOp op, int fd) {
  std::string name;
  {
    std::lock_guard lock(mu_);
    auto it = fd_names_.find(fd);
    if (it != fd_names_.end()) name = it->second;
  }
  return check(op, name);
}

Result<Fd> FaultInjectingFileSystem::remember(Result<Fd> fd, const std::string& name) {
  if (fd.is_ok()) {
    std::lock_guard lock(mu_);
    fd_names_[fd->get()] = name;
  }
  return fd;
}

Result<Fd> FaultInjectingFileSystem::open_root(const std::string& path, bool create) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kOpen, path));
  return remember(base_.open_root(path, create), path);
}

Result<Fd> FaultInjectingFileSystem::open_beneath(int root_fd, const std::string& rel_path,
                                                  int flags) {
  std::string base_name = rel_path.substr(rel_path.rfind('/') + 1);
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kOpen, base_name));
  return remember(base_.open_beneath(root_fd, rel_path, flags), base_name);
}

Result<Fd> FaultInjectingFileSystem::open_at(int dir_fd, const std::string& name, int flags,
                                             mode_t mode) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kOpen, name));
  return remember(base_.open_at(dir_fd, name, flags, mode), name);
}

Result<FileStat> FaultInjectingFileSystem::stat_at(int dir_fd, const std::string& name) {
  LIFEBOAT_RETURN_IF_ERROR(name.empty() ? check_fd(FaultOp::kStat, dir_fd)
                                        : check(FaultOp::kStat, name));
  return base_.stat_at(dir_fd, name);
}

Status FaultInjectingFileSystem::read_dir(int dir_fd,
                                          const std::function<Status(const DirEntry&)>& visit) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kReadDir, dir_fd));
  return base_.read_dir(dir_fd, visit);
}

Status FaultInjectingFileSystem::mkdir_at(int dir_fd, const std::string& name, mode_t mode) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kMkdir, name));
  return base_.mkdir_at(dir_fd, name, mode);
}

Result<std::string> FaultInjectingFileSystem::readlink_at(int dir_fd, const std::string& name) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kRead, name));
  return base_.readlink_at(dir_fd, name);
}

Status FaultInjectingFileSystem::symlink_at(const std::string& target, int dir_fd,
                                            const std::string& name) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kMkdir, name));
  return base_.symlink_at(target, dir_fd, name);
}

Status FaultInjectingFileSystem::link_at(int old_dir, const std::string& old_name, int new_dir,
                                         const std::string& new_name) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kMkdir, new_name));
  return base_.link_at(old_dir, old_name, new_dir, new_name);
}

Result<Fd> FaultInjectingFileSystem::open_unnamed(int dir_fd, const std::string& for_name,
                                                  int flags, mode_t mode) {
  ++unnamed_opens_;
  if (!unnamed_files_.load()) {
    return Status::from_errno(EOPNOTSUPP,
                              fmt::format("create '{}' (no unnamed files here)", for_name));
  }
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kOpen, for_name));
  return remember(base_.open_unnamed(dir_fd, for_name, flags, mode), for_name);
}

Status FaultInjectingFileSystem::link_fd(int fd, int new_dir, const std::string& new_name) {
  ++fd_links_;
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kRename, new_name));
  return base_.link_fd(fd, new_dir, new_name);
}

Status FaultInjectingFileSystem::rename_at(int old_dir, const std::string& old_name, int new_dir,
                                           const std::string& new_name, unsigned flags) {
  ++renames_;
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kRename, new_name));
  return base_.rename_at(old_dir, old_name, new_dir, new_name, flags);
}

Status FaultInjectingFileSystem::unlink_at(int dir_fd, const std::string& name, bool is_dir) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kUnlink, name));
  return base_.unlink_at(dir_fd, name, is_dir);
}

Status FaultInjectingFileSystem::mknod_at(int dir_fd, const std::string& name, mode_t mode,
                                          dev_t dev) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kMkdir, name));
  return base_.mknod_at(dir_fd, name, mode, dev);
}

Status FaultInjectingFileSystem::chown_at(int dir_fd, const std::string& name, uid_t uid,
                                          gid_t gid) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kMetadata, name));
  return base_.chown_at(dir_fd, name, uid, gid);
}

Status FaultInjectingFileSystem::chown_fd(int fd, uid_t uid, gid_t gid) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kMetadata, fd));
  return base_.chown_fd(fd, uid, gid);
}

Status FaultInjectingFileSystem::chmod_fd(int fd, mode_t mode) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kMetadata, fd));
  return base_.chmod_fd(fd, mode);
}

Status FaultInjectingFileSystem::chmod_at(int dir_fd, const std::string& name, mode_t mode) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kMetadata, name));
  return base_.chmod_at(dir_fd, name, mode);
}

Status FaultInjectingFileSystem::set_times_at(int dir_fd, const std::string& name,
                                              const timespec times[2]) {
  LIFEBOAT_RETURN_IF_ERROR(check(FaultOp::kMetadata, name));
  return base_.set_times_at(dir_fd, name, times);
}

Status FaultInjectingFileSystem::set_times_fd(int fd, const timespec times[2]) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kMetadata, fd));
  return base_.set_times_fd(fd, times);
}

Result<std::vector<std::string>> FaultInjectingFileSystem::list_xattrs(
    int fd, const std::string& link_name) {
  return base_.list_xattrs(fd, link_name);
}

Result<std::string> FaultInjectingFileSystem::get_xattr(int fd, const std::string& link_name,
                                                        const std::string& key) {
  return base_.get_xattr(fd, link_name, key);
}

Status FaultInjectingFileSystem::set_xattr(int fd, const std::string& link_name,
                                           const std::string& key, const std::string& value) {
  LIFEBOAT_RETURN_IF_ERROR(link_name.empty() ? check_fd(FaultOp::kMetadata, fd)
                                             : check(FaultOp::kMetadata, link_name));
  return base_.set_xattr(fd, link_name, key, value);
}

Result<std::string> FaultInjectingFileSystem::get_acl(int fd, AclKind kind) {
  return base_.get_acl(fd, kind);
}

Status FaultInjectingFileSystem::set_acl(int fd, AclKind kind, const std::string& text) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kMetadata, fd));
  return base_.set_acl(fd, kind, text);
}

Result<size_t> FaultInjectingFileSystem::read(int fd, void* buf, size_t count) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kRead, fd));
  const off_t at = position_for_corruption(fd);
  auto n = base_.read(fd, buf, count);
  if (n.is_ok()) corrupt_read(fd, buf, *n, at);
  return n;
}

Result<size_t> FaultInjectingFileSystem::pread(int fd, void* buf, size_t count, off_t offset) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kRead, fd));
  auto n = base_.pread(fd, buf, count, offset);
  if (n.is_ok()) corrupt_read(fd, buf, *n, offset);
  return n;
}

Result<size_t> FaultInjectingFileSystem::write(int fd, const void* buf, size_t count) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kWrite, fd));
  if (auto data = corrupted_copy(fd, buf, count, position_for_corruption(fd))) {
    return base_.write(fd, data->data(), data->size());
  }
  return base_.write(fd, buf, count);
}

Result<size_t> FaultInjectingFileSystem::pwrite(int fd, const void* buf, size_t count,
                                                off_t offset) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kWrite, fd));
  if (auto data = corrupted_copy(fd, buf, count, offset)) {
    return base_.pwrite(fd, data->data(), data->size(), offset);
  }
  return base_.pwrite(fd, buf, count, offset);
}

Result<size_t> FaultInjectingFileSystem::copy_range(int in_fd, off_t in_off, int out_fd,
                                                    off_t out_off, size_t count) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kRead, in_fd));
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kWrite, out_fd));
  auto n = base_.copy_range(in_fd, in_off, out_fd, out_off, count);
  if (!n.is_ok() || *n == 0) return n;
  // The kernel moved the data: the damage is done to the copy it made.
  for (off_t hit : corruptions_for(FaultOp::kRead, in_fd, in_off, *n)) {
    LIFEBOAT_RETURN_IF_ERROR(flip_byte_in_file(out_fd, out_off + (hit - in_off)));
  }
  for (off_t hit : corruptions_for(FaultOp::kWrite, out_fd, out_off, *n)) {
    LIFEBOAT_RETURN_IF_ERROR(flip_byte_in_file(out_fd, hit));
  }
  return n;
}

Result<off_t> FaultInjectingFileSystem::seek(int fd, off_t offset, int whence) {
  return base_.seek(fd, offset, whence);
}

Status FaultInjectingFileSystem::truncate_fd(int fd, off_t size) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kWrite, fd));
  return base_.truncate_fd(fd, size);
}

Status FaultInjectingFileSystem::start_writeback(int fd, off_t offset, off_t count) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kSync, fd));
  return base_.start_writeback(fd, offset, count);
}

Status FaultInjectingFileSystem::fsync_fd(int fd) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kSync, fd));
  return base_.fsync_fd(fd);
}

Status FaultInjectingFileSystem::syncfs_fd(int fd) {
  LIFEBOAT_RETURN_IF_ERROR(check_fd(FaultOp::kSync, fd));
  return base_.syncfs_fd(fd);
}

}  // namespace lifeboat::fs

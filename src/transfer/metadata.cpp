#include "transfer/metadata.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

#include <fmt/format.h>

namespace lifeboat::transfer {

using core::Status;
using fs::FileStat;
using fs::FileType;

namespace {

// The umask, read without changing it (umask(2) would race with other threads).
mode_t current_umask() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Umask:", 0) == 0)
      return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  return 022;
}

}  // namespace

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

Metadata::Metadata(fs::FileSystem& fs, const CopyOptions& options)
    : fs_(fs),
      opt_(options),
      umask_(current_umask()),
      is_root_(::geteuid() == 0),
      strip_setuid_(!options.keep_setuid && (options.owner.mode() != IdMapping::Mode::kPreserve ||
                                             options.group.mode() != IdMapping::Mode::kPreserve)),
      euid_(::geteuid()),
      egid_(::getegid()) {}

Metadata::Ids Metadata::ids_for(const FileStat& st) const {
  Ids ids;
  if (auto uid = opt_.owner.apply(st.uid)) ids.uid = *uid;
  if (auto gid = opt_.group.apply(st.gid)) ids.gid = *gid;
  return ids;
}

bool Metadata::owner_differs(const FileStat& src, const FileStat& dst) const {
  const Ids ids = ids_for(src);
  return (ids.uid != static_cast<uid_t>(-1) && ids.uid != dst.uid) ||
         (ids.gid != static_cast<gid_t>(-1) && ids.gid != dst.gid);
}

mode_t Metadata::mode_for(const FileStat& st) const {
  const bool dir = st.type == FileType::kDirectory;
  if (!opt_.preserve_perms) return (dir ? 0777 : 0666) & ~umask_;
  return strip_setuid_ && !dir ? st.permissions() & ~static_cast<mode_t>(S_ISUID | S_ISGID)
                               : st.permissions();
}

std::optional<mode_t> Metadata::final_creation_mode(const FileStat& st) const {
  // Setuid/setgid/sticky bits need a chmod after the chown; bits the umask takes need one.
  const mode_t want = mode_for(st);
  if ((want & 07000) != 0 || (want & umask_) != 0) return std::nullopt;
  return want;
}

Status Metadata::set_owner_fd(int fd, const FileStat& st, bool fresh) const {
  const Ids ids = ids_for(st);
  if (!ids.any()) return Status::ok();
  if (fresh && (ids.uid == static_cast<uid_t>(-1) || ids.uid == euid_) &&
      (ids.gid == static_cast<gid_t>(-1) || ids.gid == egid_)) {
    return Status::ok();
  }
  return fs_.chown_fd(fd, ids.uid, ids.gid);
}

Status Metadata::set_mode_fd(int fd, const FileStat& st) const {
  return chmod_checked(fd, mode_for(st));
}

Status Metadata::chmod_checked(int fd, mode_t want) const {
  LIFEBOAT_RETURN_IF_ERROR(fs_.chmod_fd(fd, want));
  if ((want & (S_ISUID | S_ISGID)) == 0) return Status::ok();
  // Without CAP_FSETID the kernel drops a setgid bit for a group the copier is not in, and
  // says nothing; a shared directory would silently stop handing its group to new files.
  auto now = fs_.stat_at(fd, "");
  if (!now.is_ok()) return now.status();
  if ((now->mode & 07777) == want) return Status::ok();
  return Status::permission_denied(fmt::format(
      "the kernel kept mode {:04o} of the {:04o} asked: setuid/setgid bits need CAP_FSETID "
      "(README, \"Installing the Debian package\")",
      now->mode & 07777, want));
}

Status Metadata::set_times_fd(int fd, const FileStat& st) const {
  const timespec times[2] = {st.atime, st.mtime};
  return fs_.set_times_fd(fd, times);
}

Status Metadata::copy_xattrs(int src_fd, const std::string& src_link, int dst_fd,
                             const std::string& dst_link) const {
  auto keys = fs_.list_xattrs(src_fd, src_link);
  if (!keys.is_ok()) return keys.status();
  for (const std::string& key : *keys) {
    if (key == "system.posix_acl_access" || key == "system.posix_acl_default") {
      if (!src_link.empty()) continue;
      auto kind = key == "system.posix_acl_access" ? fs::AclKind::kAccess : fs::AclKind::kDefault;
      auto acl = fs_.get_acl(src_fd, kind);
      if (!acl.is_ok()) return acl.status();
      LIFEBOAT_RETURN_IF_ERROR(fs_.set_acl(dst_fd, kind, *acl));
      continue;
    }
    bool privileged = key.rfind("trusted.", 0) == 0 || key.rfind("security.", 0) == 0;
    if (key.rfind("system.", 0) == 0 || (privileged && !is_root_)) continue;
    // File capabilities are privilege like a setuid bit: not given to a remapped owner.
    if (strip_setuid_ && key == "security.capability") continue;
    auto value = fs_.get_xattr(src_fd, src_link, key);
    if (!value.is_ok()) {
      if (value.status().sys_errno() == ENODATA) continue;  // removed meanwhile
      return value.status();
    }
    Status st = fs_.set_xattr(dst_fd, dst_link, key, *value);
    // A target file system without xattr support cannot keep them; not worth a failure.
    if (!st && st.sys_errno() != ENOTSUP) return st;
  }
  return Status::ok();
}

Status Metadata::apply_to_dir(int src_fd, const FileStat& src, int dst_fd, bool created) const {
  auto dst = fs_.stat_at(dst_fd, "");
  if (!dst.is_ok()) return dst.status();
  bool chowned = false;
  if (owner_differs(src, *dst)) {
    const Ids ids = ids_for(src);
    LIFEBOAT_RETURN_IF_ERROR(fs_.chown_fd(dst_fd, ids.uid, ids.gid));
    chowned = true;
  }
  const mode_t want = mode_for(src);
  if ((opt_.preserve_perms || created) && ((dst->mode & 07777) != want || chowned)) {
    LIFEBOAT_RETURN_IF_ERROR(chmod_checked(dst_fd, want));
  }
  LIFEBOAT_RETURN_IF_ERROR(copy_xattrs(src_fd, "", dst_fd, ""));
  if (!same_time(dst->mtime, src.mtime) || !same_time(dst->atime, src.atime)) {
    return set_times_fd(dst_fd, src);
  }
  return Status::ok();
}

Status Metadata::apply_named(int src_dir, const std::string& name, int dst_dir,
                             const std::string& tmp, const FileStat& st) const {
  const Ids ids = ids_for(st);
  if (ids.any()) LIFEBOAT_RETURN_IF_ERROR(fs_.chown_at(dst_dir, tmp, ids.uid, ids.gid));
  if (st.type == FileType::kSymlink) {
    LIFEBOAT_RETURN_IF_ERROR(copy_xattrs(src_dir, name, dst_dir, tmp));
  } else {
    LIFEBOAT_RETURN_IF_ERROR(fs_.chmod_at(dst_dir, tmp, mode_for(st)));
  }
  const timespec times[2] = {st.atime, st.mtime};
  return fs_.set_times_at(dst_dir, tmp, times);
}

}  // namespace lifeboat::transfer

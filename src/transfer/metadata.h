// Metadata: what a copy takes from its source besides the data — owner and group (through
// the id mappings), permission bits, xattrs and ACLs, times — and the rules for them:
// owners remapped (not `preserve`) without keep_setuid drop setuid/setgid bits and file
// capabilities from non-directories (docs/security.md); privileged xattrs only as root;
// chown before chmod, which chown would undo. Applied through descriptors, or by name
// without following. Keeps a reference to the run's options, whose `home` mappings may be
// resolved after construction; thread safe once the run starts (reads only).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "core/status.h"
#include "fs/file_system.h"
#include "transfer/copy_options.h"

namespace lifeboat::transfer {

class Metadata {
 public:
  //! `fs` and `options` must outlive this.
  Metadata(fs::FileSystem& fs, const CopyOptions& options);

  //! The ids a copy of `st` is given, as fchown takes them: -1 for "leave as it is".
  struct Ids {
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    bool any() const { return uid != static_cast<uid_t>(-1) || gid != static_cast<gid_t>(-1); }
  };
  Ids ids_for(const fs::FileStat& st) const;
  //! `dst` has another owner or group than a copy of `src` gets.
  bool owner_differs(const fs::FileStat& src, const fs::FileStat& dst) const;
  //! The permission bits a copy of `st` gets: the source's (setuid and setgid dropped from
  //! a non-directory when ids are remapped), or 0666 (0777 for a directory) minus the umask.
  mode_t mode_for(const fs::FileStat& st) const;
  //! The mode a new file in a directory this run created can be created with so that no
  //! chmod is needed afterwards (no default ACL there yet), or nullopt.
  std::optional<mode_t> final_creation_mode(const fs::FileStat& st) const;

  //! Owner and group of `fd`. `fresh`: the file was just created by this run in a directory
  //! it created, so it already has the copier's own ids.
  core::Status set_owner_fd(int fd, const fs::FileStat& st, bool fresh = false) const;
  //! Mode of `fd` (after set_owner_fd). A setuid/setgid bit the kernel refused to set (no
  //! CAP_FSETID) is an error naming the mode kept, never a silent loss.
  core::Status set_mode_fd(int fd, const fs::FileStat& st) const;
  core::Status set_times_fd(int fd, const fs::FileStat& st) const;
  //! Copies xattrs and ACLs from `src_fd` (or its entry `src_link`: a symlink, no ACLs) to
  //! `dst_fd` (or `dst_link`). A target without xattr support keeps none, without failing.
  core::Status copy_xattrs(int src_fd, const std::string& src_link, int dst_fd,
                           const std::string& dst_link) const;
  //! All of a directory's metadata, from `src_fd` (`src`) to `dst_fd`; `created`: the run
  //! made the directory (its mode is set even when permissions are not preserved).
  core::Status apply_to_dir(int src_fd, const fs::FileStat& src, int dst_fd, bool created) const;
  //! All of the metadata of a symlink or node just created as `tmp` in `dst_dir`, by name:
  //! owner, mode (not for symlinks) or xattrs (symlinks, from `name` in `src_dir`), times.
  core::Status apply_named(int src_dir, const std::string& name, int dst_dir,
                           const std::string& tmp, const fs::FileStat& st) const;

 private:
  // chmod, then for a setuid/setgid mode a stat confirming the kernel kept the bits.
  core::Status chmod_checked(int fd, mode_t want) const;

  fs::FileSystem& fs_;
  const CopyOptions& opt_;
  mode_t umask_;
  bool is_root_;
  // Owner or group remapped and no keep_setuid (see CopyOptions::keep_setuid).
  bool strip_setuid_;
  uid_t euid_;
  gid_t egid_;
};

//! Same seconds and nanoseconds.
bool same_time(const timespec& a, const timespec& b);

}  // namespace lifeboat::transfer

// FilePlacer: how entries come into being in the target so that no partial file ever sits
// under its final name and nothing the overwrite rules keep is clobbered. A new file is
// written unnamed (O_TMPFILE) and linked under its name once complete where the target
// has unnamed files; elsewhere, and when an existing entry is replaced, it is written
// under a temporary name (kTempPrefix...) and renamed into place (rename replaces a
// symlink itself, never writes through it). Also: removing a tree in the way, and giving
// a copied inode a further name (hard links). Every call works relative to directory
// descriptors and never follows a symlink. Thread safe.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/result.h"
#include "fs/file_system.h"
#include "transfer/copy_options.h"

namespace lifeboat::transfer {

//! Whether an existing target entry `dst` (null: none) is kept under `mode` rather than
//! replaced by a copy of `src`.
bool keeps_existing(OverwriteMode mode, const fs::FileStat& src, const fs::FileStat* dst);
//! `a` is strictly earlier than `b`.
bool older(const timespec& a, const timespec& b);

class FilePlacer {
 public:
  //! `fs` and `options` must outlive this.
  FilePlacer(fs::FileSystem& fs, const CopyOptions& options);

  //! A fresh temporary name (kTempPrefix, a per-run tag, a counter).
  std::string temp_name();

  //! A new file being written, not yet in place.
  struct Output {
    fs::Fd fd;
    bool unnamed = false;  //!< else it has the temporary name `tmp`
    std::string tmp;
  };
  //! Creates the file a copy of `name` in `dir_fd` is written into, with `mode`: unnamed
  //! unless `replacing` an existing entry (linkat never replaces), --temp-names, or the
  //! file system cannot (probed once, in the directory of the first new file: one that is
  //! changing anyway, so --overwrite never|older leave the others untouched).
  core::Result<Output> create(int dir_fd, const std::string& name, mode_t mode, bool replacing);
  //! Abandons `out`: closed, its temporary removed.
  void discard(int dir_fd, Output& out);
  //! Puts the finished `out` in place as `name` and closes it. `existing`: what was at
  //! `name` when the copy started. False when an entry appeared under `name` meanwhile and
  //! the overwrite rules keep it. On failure nothing is left behind.
  core::Result<bool> place(int dir_fd, Output& out, const std::string& name, const fs::FileStat& st,
                           const fs::FileStat* existing);
  //! Renames the finished temporary `tmp` to `name` (removing a directory in the way
  //! first); on failure the temporary is removed.
  core::Status put_in_place(int dir_fd, const std::string& tmp, const std::string& name,
                            const fs::FileStat* existing);
  //! Removes `name` of `dir_fd` and, if it is a directory, everything below it, depth
  //! first on a stack of its own with a bounded number of descriptors. `removed` counts
  //! the entries removed.
  core::Status remove_tree(int dir_fd, const std::string& name, bool is_dir,
                           std::uint64_t& removed);

  //! The outcome of link_to_original.
  struct LinkAttempt {
    //! The name was dealt with: linked, or (status set) linked but not put in place, with
    //! nothing left behind. False: copy the file instead (status: the link's failure, if
    //! the link was tried).
    bool done = false;
    core::Status status;
  };
  //! Makes `name` in `dir_fd` a further name of the copy at `original` (a path from the
  //! target root `root_fd`). `dir_is_new`: `dir_fd` was made by this run and holds only
  //! what the run put there, so the link goes straight to the name when it is free.
  LinkAttempt link_to_original(int root_fd, const std::string& original, int dir_fd,
                               const std::string& name, bool dir_is_new);
  //! The entry at `original` below `root_fd`, not followed.
  core::Result<fs::FileStat> stat_original(int root_fd, const std::string& original);

 private:
  //! The O_PATH directory of `original` below `root_fd`; `leaf` gets its last component.
  core::Result<fs::Fd> open_original_dir(int root_fd, const std::string& original,
                                         std::string& leaf);
  core::Result<bool> link_output(int dir_fd, int fd, const std::string& name,
                                 const fs::FileStat& st);
  bool probe_unnamed_files(int dir_fd);
  bool use_unnamed(int dir_fd);

  fs::FileSystem& fs_;
  const CopyOptions& opt_;
  std::string temp_tag_;
  std::atomic<std::uint64_t> temp_counter_{0};
  // New files are written unnamed; false once the target has shown it cannot.
  std::atomic<bool> unnamed_ok_{false};
  std::once_flag unnamed_probed_;
};

}  // namespace lifeboat::transfer

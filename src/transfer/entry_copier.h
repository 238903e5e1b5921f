// EntryCopier: what one non-directory entry of the source becomes in the target, by the
// overwrite and transfer-mode rules: a regular file copied (or linked to the copy of an
// earlier name of its inode), or kept and its owner and mode brought in line; a symlink; a
// special file. Put together from the parts: file placement, data copy, metadata, the
// hard-link table; outcomes go to the tally. Thread safe: every worker of a run uses it.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "fs/file_system.h"
#include "transfer/copy_options.h"
#include "transfer/copy_tally.h"
#include "transfer/data_copy.h"
#include "transfer/file_placement.h"
#include "transfer/hard_link_table.h"
#include "transfer/metadata.h"
#include "transfer/tree_walk.h"

namespace lifeboat::transfer {

class EntryCopier {
 public:
  //! `dst_root` (O_PATH, may be -1 in a dry run) is where hard links find their originals.
  //! Everything passed must outlive this.
  EntryCopier(fs::FileSystem& fs, const CopyOptions& options, CopyTally& tally, FilePlacer& placer,
              const Metadata& meta, DataCopier& data, int dst_root);

  //! Each copies entry `name` (stat'ed as `st`) of the pinned directory `node`; `rel`
  //! names it in messages.
  void copy_regular(DirNode& node, const std::string& name, const EntryPath& rel,
                    const fs::FileStat& st);
  void copy_symlink(DirNode& node, const std::string& name, const EntryPath& rel,
                    const fs::FileStat& st);
  void copy_special(DirNode& node, const std::string& name, const EntryPath& rel,
                    const fs::FileStat& st);
  //! A regular file in a directory this run created: opened before it is stat'ed (one
  //! system call fewer). False when it turned out not to be a regular file after all
  //! (the caller stats it and goes on by its type).
  bool copy_fresh_regular(DirNode& node, const std::string& name, const EntryPath& rel);

 private:
  void copy_new_file(DirNode& node, const std::string& name, const EntryPath& rel,
                     const fs::FileStat& st, const fs::FileStat* existing, fs::Fd src);
  // `src` is the source already opened and checked, or invalid to open it here.
  core::Status write_regular(DirNode& node, const std::string& name, const fs::FileStat& st,
                             const fs::FileStat* existing, fs::Fd src);
  // Finishes a symlink or node created as `tmp`: its metadata, then rename to `name`; a
  // failure is recorded and the temporary removed.
  void settle_named(DirNode& node, const std::string& tmp, const std::string& name,
                    const EntryPath& rel, const fs::FileStat& st, const fs::FileStat* existing);
  // For an unchanged name of a multiply linked file: links it to the copy of another name
  // of the same inode made earlier in this run if that is a different inode. True if it did.
  bool relink_if_split(DirNode& node, const std::string& name, const EntryPath& rel,
                       const fs::FileStat& st, const fs::FileStat& existing);
  // Links `name` to the copy of an earlier name of its inode; true when it is dealt with.
  // `is_first`: this is the inode's first name, whose copy the caller makes and reports to
  // links_.finish.
  bool link_hard(DirNode& node, const std::string& name, const EntryPath& rel,
                 const fs::FileStat& st, bool& is_first);
  bool link_to(DirNode& node, const std::string& name, const EntryPath& rel,
               const std::string& original);
  // Looks at what the target holds at `name` (`existing`: nullopt for nothing). False when
  // the entry is done with: the lookup failed (recorded) or --overwrite keeps what is there
  // (counted as skipped).
  bool check_target(DirNode& node, const std::string& name, const EntryPath& rel,
                    const fs::FileStat& st, std::optional<fs::FileStat>& existing);
  void fail(const EntryPath& rel, const core::Status& st) { tally_.fail(rel.str(), st); }

  fs::FileSystem& fs_;
  const CopyOptions& opt_;
  CopyTally& tally_;
  FilePlacer& placer_;
  const Metadata& meta_;
  DataCopier& data_;
  int dst_root_;
  HardLinkTable links_;
};

}  // namespace lifeboat::transfer

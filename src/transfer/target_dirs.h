// TargetDirs: the target side of a directory the copy walks into — created, replaced or
// kept by the overwrite rules, opened without following a symlink, and cleared of what an
// earlier crash left (temporaries) or, with --delete, of what the source does not have.
// Outcomes go to the tally. Thread safe: every worker of a run uses it.
#pragma once

#include <string>
#include <unordered_set>

#include "fs/file_system.h"
#include "transfer/copy_options.h"
#include "transfer/copy_tally.h"
#include "transfer/file_placement.h"
#include "transfer/path_filter.h"
#include "transfer/tree_walk.h"

namespace lifeboat::transfer {

class TargetDirs {
 public:
  //! Everything passed must outlive this.
  TargetDirs(fs::FileSystem& fs, const CopyOptions& options, const PathFilter& filter,
             CopyTally& tally, FilePlacer& placer)
      : fs_(fs), opt_(options), filter_(filter), tally_(tally), placer_(placer) {}

  //! Creates the target of `node` in its parent's (pinned, with a target), replaces a
  //! non-directory there, or keeps an existing directory (keep_metadata under --overwrite
  //! never|older); then opens it unless a dry run has nothing to open. False when the
  //! directory is not to be copied, the reason already reported under `rel`.
  bool prepare(const DirNode& parent, DirNode& node, const EntryPath& rel);
  //! Opens the existing target of `node` (never through a symlink); false once reported.
  bool open(const DirNode& parent, DirNode& node, const EntryPath& rel);
  //! Removes from the existing target of `node` the temporaries an earlier run left and,
  //! with --delete, every entry the source (`names`) does not have and no pattern protects.
  void prune(const NodePtr& node, const std::unordered_set<std::string>& names);

 private:
  fs::FileSystem& fs_;
  const CopyOptions& opt_;
  const PathFilter& filter_;
  CopyTally& tally_;
  FilePlacer& placer_;
};

}  // namespace lifeboat::transfer

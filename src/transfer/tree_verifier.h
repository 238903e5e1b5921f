// TreeVerifier: --verify all — after the copy, compares every regular file (by checksum)
// and symlink (by target) the filters select between the source and the target, depth
// first on a stack of its own with a bounded number of descriptors (levels deeper than a
// fixed count close theirs and get them back through "..", checked to be the same
// directories). Differences go to the tally as failures; entries the overwrite rules kept
// are not this copy's to verify. One thread; not thread safe.
#pragma once

#include <functional>
#include <string>

#include "fs/file_system.h"
#include "transfer/copy_options.h"
#include "transfer/copy_tally.h"
#include "transfer/path_filter.h"

namespace lifeboat::transfer {

class TreeVerifier {
 public:
  //! `stop_requested` is asked before each entry: true ends the verify. Everything passed
  //! must outlive this.
  TreeVerifier(fs::FileSystem& fs, const CopyOptions& options, const PathFilter& filter,
               CopyTally& tally, std::function<bool()> stop_requested);

  //! Compares the trees below the two open roots.
  void verify(fs::Fd src_root, fs::Fd dst_root);

 private:
  //! Compares one non-directory entry `e` of the directories `src_dir` and `dst_dir`;
  //! `rel` gives its path for a message.
  void verify_entry(int src_dir, int dst_dir, const fs::DirEntry& e, const fs::FileStat& st,
                    const std::function<std::string()>& rel);

  fs::FileSystem& fs_;
  const CopyOptions& opt_;
  const PathFilter& filter_;
  CopyTally& tally_;
  std::function<bool()> stop_requested_;
};

}  // namespace lifeboat::transfer

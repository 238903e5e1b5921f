// Copier: the replication engine behind `lifeboat copy` and the `lifeboat:transfer.run`
// workflow task. Makes options.target a replica of options.source's contents.
//
// How: both roots are opened with FileSystem::open_root; everything below is reached by
// single-component, never-following calls relative to directory descriptors, so a tree
// that changes during the copy (files swapped for symlinks, directories renamed) can never
// lead the copier outside the two roots. Directories are listed by a pool of worker
// threads (options.parallel), files are copied by the worker that finds them; memory holds
// only the directories in progress and the hard-link candidates (nlink > 1) seen so far.
// No partial file ever sits under its final name. Where the target file system has unnamed
// files (O_TMPFILE: ext4, XFS, btrfs, tmpfs) a new file is written with no name and linked
// under its name once complete — one directory entry made per file, and a crash leaves
// nothing behind. Elsewhere (NFS/EFS, FUSE) and when an existing entry is replaced, it is
// written under a temporary name (kTempPrefix...) and renamed into place; leftovers from an
// earlier crash are removed when their directory is next copied.
//
// Failure policy: a failure on one entry (EACCES, EIO, ...) is recorded in the report's
// errors and the copy goes on (status PARTIAL). ENOSPC/EDQUOT on the target stops the
// whole copy (status ERROR, report.message says the target is full). A stop request
// stops it within one chunk of data (status ERROR, message says it was cancelled).
//
// Thread safety: one run() at a time per Copier; run() itself uses many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>

#include "core/result.h"
#include "fs/file_system.h"
#include "transfer/copy_options.h"
#include "transfer/copy_report.h"

namespace lifeboat::transfer {

//! Name prefix of the copier's temporary files in a target directory.
inline constexpr const char* kTempPrefix = ".lifeboat-tmp.";

struct CopyProgress {
  std::uint64_t files_done = 0;       //!< entries transferred, skipped or failed so far
  std::uint64_t bytes_done = 0;       //!< bytes read from the source so far
  std::uint64_t files_estimated = 0;  //!< entries found needing a transfer so far
  std::uint64_t bytes_estimated = 0;
  std::int64_t elapsed_ms = 0;
  bool finished = false;  //!< the last call of a run
};

//! Called about four times a second from a helper thread, and once at the end.
using ProgressCallback = std::function<void(const CopyProgress&)>;

class Copier {
 public:
  //! `fs` is not owned and must outlive the Copier.
  Copier(fs::FileSystem& fs, CopyOptions options);

  //! Runs the copy. An error Result means the copy could not start (bad options, a root
  //! that cannot be opened, SRC and DST nested: InvalidArgument); everything after that is
  //! in the report.
  core::Result<CopyReport> run(const ProgressCallback& progress = {}, std::stop_token stop = {});

 private:
  fs::FileSystem& fs_;
  CopyOptions options_;
};

//! Convenience: Copier(fs, options).run(progress, stop).
core::Result<CopyReport> run_copy(fs::FileSystem& fs, const CopyOptions& options,
                                  const ProgressCallback& progress = {}, std::stop_token stop = {});

}  // namespace lifeboat::transfer

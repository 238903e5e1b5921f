// Opening a copy's two roots before anything is copied: the source; the target, created
// if missing (not in a dry run, where a missing target is empty) — but only once it is
// sure not to land inside the source; SRC and DST nested either way refused; and
// `--owner home` / `--group home` made concrete from the two roots' owners, read from the
// opened descriptors so a swapped path cannot change them (docs/security.md).
#pragma once

#include "core/result.h"
#include "fs/file_system.h"
#include "transfer/copy_options.h"

namespace lifeboat::transfer {

struct CopyRoots {
  fs::Fd src;
  fs::FileStat src_stat;
  fs::Fd dst;  //!< invalid in a dry run when the target does not exist
  bool dst_existed = false;
  fs::Fd dst_path;  //!< an O_PATH descriptor of the target root, when there is one
};

//! Opens the roots of `options` and resolves its `home` id mappings in place. An error
//! (InvalidArgument for what the user must change) means the copy cannot start.
core::Result<CopyRoots> open_copy_roots(fs::FileSystem& fs, CopyOptions& options);

}  // namespace lifeboat::transfer

// DataCopier: moves a regular file's bytes from its source to its target copy over the
// extent walk (holes stay holes), hashing them on the way for --verify transferred, under
// the --bwlimit shared by every worker; and hash_file, the checksum verification compares.
// Thread safe: one DataCopier serves every worker of a run (each has its own buffer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "fs/file_system.h"
#include "transfer/content_hasher.h"
#include "transfer/copy_tally.h"
#include "transfer/token_bucket.h"

namespace lifeboat::transfer {

class DataCopier {
 public:
  //! `stop_requested` is asked before every chunk; `tally` counts the bytes. `fs`, `clock`
  //! and `tally` must outlive this.
  DataCopier(fs::FileSystem& fs, std::uint64_t bwlimit, const core::Clock& clock,
             std::function<bool()> stop_requested, CopyTally& tally);

  //! Copies the first st.size bytes of `in` into `out` at the same offsets, feeding them to
  //! `hasher` when there is one. `copied_size`: how many bytes the copy has (fewer when the
  //! source shrank meanwhile; `out` is cut to that size). Cancelled when a stop was
  //! requested: the file is abandoned between two chunks.
  core::Status copy(int in, int out, const fs::FileStat& st, ContentHasher* hasher,
                    std::uint64_t& copied_size);

 private:
  core::Status copy_exactly(int in, int out, off_t pos, std::size_t count, const char* bytes);

  fs::FileSystem& fs_;
  std::uint64_t bwlimit_;
  TokenBucket bucket_;
  // Bytes per chunk: with --bwlimit, about a tenth of a second's worth, so the limit is
  // smooth across workers and a stop is seen soon.
  std::size_t chunk_limit_;
  std::function<bool()> stop_requested_;
  CopyTally& tally_;
};

//! XXH3-128 (hex) of the first `size` bytes of `fd`; holes (when `sparse`) are hashed as
//! zeros without being read. An IoError when the file is shorter.
core::Result<std::string> hash_file(fs::FileSystem& fs, int fd, std::uint64_t size, bool sparse);

//! Re-reads the written copy `fd` (skipping holes when `sparse`) and compares its checksum
//! with `expected`.
core::Status verify_written(fs::FileSystem& fs, int fd, std::uint64_t size,
                            const std::string& expected, bool sparse);

}  // namespace lifeboat::transfer

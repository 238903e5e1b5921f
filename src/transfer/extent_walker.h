// The walk over a regular file's data and holes (SEEK_DATA/SEEK_HOLE) that copying and
// hashing share: holes are reported by length and never read; data is handed out in
// pieces of a bounded size.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "fs/file_system.h"

namespace lifeboat::transfer {

//! Fewer blocks allocated than the size needs: the file has holes worth keeping.
bool is_sparse(const fs::FileStat& st);

//! A stretch [begin, end) of a file's data.
struct DataStretch {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

//! The first stretch of data of `fd` at or after `pos` (< `size`), cut at `size`; the
//! bytes in [pos, begin) are a hole. begin == end == size when no data is left. Only
//! when `sparse` are holes looked for (one SEEK_DATA and one SEEK_HOLE); otherwise the
//! rest of the file is data.
core::Result<DataStretch> next_data(fs::FileSystem& fs, int fd, std::uint64_t pos,
                                    std::uint64_t size, bool sparse);

//! Visits the first `size` bytes of `fd` in order: each hole (found as next_data finds
//! them) as on_hole(length), the data in pieces of at most `chunk` bytes as
//! on_data(off_t pos, size_t length) -> core::Result<size_t>: how many bytes it took (fewer
//! is fine: the walk goes on after them), 0 when the file ended early (the walk stops
//! there), or an error (the walk stops with it). Returns where the walk ended: `size`, or
//! where the file ended early. The visitors are called on the calling thread and not kept.
template <typename OnHole, typename OnData>
core::Result<std::uint64_t> walk_extents(fs::FileSystem& fs, int fd, std::uint64_t size,
                                         bool sparse, std::size_t chunk, OnHole&& on_hole,
                                         OnData&& on_data) {
  std::uint64_t pos = 0;
  while (pos < size) {
    auto stretch = next_data(fs, fd, pos, size, sparse);
    if (!stretch.is_ok()) return stretch.status();
    if (stretch->begin > pos) on_hole(stretch->begin - pos);
    for (pos = stretch->begin; pos < stretch->end;) {
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(stretch->end - pos, chunk));
      core::Result<std::size_t> took = on_data(static_cast<off_t>(pos), want);
      if (!took.is_ok()) return took.status();
      if (*took == 0) return pos;
      pos += *took;
    }
  }
  return pos;
}

}  // namespace lifeboat::transfer

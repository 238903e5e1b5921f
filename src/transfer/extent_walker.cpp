#include "transfer/extent_walker.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace lifeboat::transfer {

bool is_sparse(const fs::FileStat& st) { return st.size > 0 && st.blocks * 512 < st.size; }

core::Result<std::uint64_t> walk_extents(fs::FileSystem& fs, int fd, std::uint64_t size,
                                         bool sparse, std::size_t chunk, const HoleVisitor& on_hole,
                                         const DataVisitor& on_data) {
  std::uint64_t pos = 0;
  while (pos < size) {
    std::uint64_t data_end = size;
    if (sparse) {
      // No data after `pos` (ENXIO): the rest is a hole.
      auto data = fs.seek(fd, static_cast<off_t>(pos), SEEK_DATA);
      if (!data.is_ok() && data.status().sys_errno() != ENXIO) return data.status();
      const std::uint64_t data_at = data.is_ok() ? std::min<std::uint64_t>(*data, size) : size;
      if (data_at > pos && on_hole) on_hole(data_at - pos);
      pos = data_at;
      if (pos >= size) break;
      auto hole = fs.seek(fd, static_cast<off_t>(pos), SEEK_HOLE);
      if (!hole.is_ok()) return hole.status();
      data_end = std::min<std::uint64_t>(*hole, size);
    }
    while (pos < data_end) {
      const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(data_end - pos, chunk));
      auto took = on_data(static_cast<off_t>(pos), want);
      if (!took.is_ok()) return took.status();
      if (*took == 0) return pos;
      pos += *took;
    }
  }
  return pos;
}

}  // namespace lifeboat::transfer

#include "transfer/extent_walker.h"

#include <unistd.h>

#include <cerrno>

namespace lifeboat::transfer {

bool is_sparse(const fs::FileStat& st) { return st.size > 0 && st.blocks * 512 < st.size; }

core::Result<DataStretch> next_data(fs::FileSystem& fs, int fd, std::uint64_t pos,
                                    std::uint64_t size, bool sparse) {
  if (!sparse) return DataStretch{pos, size};
  // No data after `pos` (ENXIO): the rest is a hole.
  auto data = fs.seek(fd, static_cast<off_t>(pos), SEEK_DATA);
  if (!data.is_ok() && data.status().sys_errno() != ENXIO) return data.status();
  const std::uint64_t begin = data.is_ok() ? std::min<std::uint64_t>(*data, size) : size;
  if (begin >= size) return DataStretch{size, size};
  auto hole = fs.seek(fd, static_cast<off_t>(begin), SEEK_HOLE);
  if (!hole.is_ok()) return hole.status();
  return DataStretch{begin, std::min<std::uint64_t>(*hole, size)};
}

}  // namespace lifeboat::transfer

// The walk over a regular file's data and holes (SEEK_DATA/SEEK_HOLE) that copying and
// hashing share: holes are reported by length and never read; data is handed out in
// pieces of a bounded size.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>

#include "core/result.h"
#include "fs/file_system.h"

namespace lifeboat::transfer {

//! Fewer blocks allocated than the size needs: the file has holes worth keeping.
bool is_sparse(const fs::FileStat& st);

//! Called for `length` bytes of hole (they read as zeros).
using HoleVisitor = std::function<void(std::uint64_t length)>;
//! Called for up to `length` bytes of data at `pos`; returns how many it took (fewer is
//! fine: the walk goes on after them), 0 when the file ended early (the walk stops), or an
//! error (the walk stops with it).
using DataVisitor = std::function<core::Result<std::size_t>(off_t pos, std::size_t length)>;

//! Visits the first `size` bytes of `fd` in order. Only when `sparse` are holes looked for
//! (one SEEK_DATA and one SEEK_HOLE per data stretch); otherwise everything is data. Data
//! comes in pieces of at most `chunk` bytes. Returns where the walk ended: `size`, or
//! where the file ended early. `on_hole` may be empty.
core::Result<std::uint64_t> walk_extents(fs::FileSystem& fs, int fd, std::uint64_t size,
                                         bool sparse, std::size_t chunk, const HoleVisitor& on_hole,
                                         const DataVisitor& on_data);

}  // namespace lifeboat::transfer

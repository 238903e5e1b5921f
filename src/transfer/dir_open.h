// The copier's two ways of opening below a directory descriptor: never following a symlink
// (fs::FileSystem::open_at), keeping the source's atimes, and — for a directory reopened
// after its descriptor was closed — making sure it is still the directory met before.
#pragma once

#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/result.h"
#include "fs/file_system.h"

namespace lifeboat::transfer {

//! Tree walks that keep a stack of their own (verify all, tree removal) keep the
//! descriptors of this many levels open; deeper ones are closed on the way down and
//! reopened through ".." with open_dir_checked.
inline constexpr std::size_t kOpenLevels = 64;

//! Opens `name` of `dir_fd` with O_NOATIME when allowed (to the owner and root), else
//! without. The default flags suit files: O_NONBLOCK|O_NOCTTY, so that a fifo or device
//! never blocks or wakes up; callers check the type on the descriptor before reading.
core::Result<fs::Fd> open_for_reading(fs::FileSystem& fs, int dir_fd, const std::string& name,
                                      int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY);

//! Opens directory `name` ("..": the parent) of `dir_fd` for reading, never following a
//! symlink, and checks it is the directory (dev, ino) met before: FailedPrecondition when
//! it was moved or replaced meanwhile.
core::Result<fs::Fd> open_dir_checked(fs::FileSystem& fs, const std::string& name, int dir_fd,
                                      std::uint64_t dev, std::uint64_t ino);

}  // namespace lifeboat::transfer

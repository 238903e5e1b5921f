#include "fs/fd.h"

#include <unistd.h>

namespace lifeboat::fs {

void Fd::reset(int fd) {
  // close() errors are not actionable here: every write that matters is checked (and
  // fsync'ed where durability is promised) before its descriptor is dropped.
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace lifeboat::fs

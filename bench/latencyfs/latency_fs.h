// LatencyFs: a pass-through FUSE file system that charges a fixed delay for every metadata
// operation and every open, the way a network file system such as Amazon EFS charges a
// round-trip for each of them.
//
// Contract:
//  - Every path the kernel hands in is resolved relative to a descriptor of the backing
//    directory (openat-family calls), never through the process's working directory.
//  - getattr, access, readlink, opendir, readdir, mknod, mkdir, symlink, link, unlink,
//    rmdir, rename, chmod, chown, truncate, utimens, open, create, statfs, fsync,
//    fallocate, lseek and the four xattr operations sleep `latency` before doing their
//    work; read, write, copy_file_range, flush and release do not (data moves in bulk).
//  - Thread safety: libfuse calls the operations from many threads at once. The only
//    shared state is the immutable configuration set before the loop starts, so no lock
//    is taken anywhere: concurrent requests overlap their delays, as on EFS.
//  - Ownership: one LatencyFs instance lives for the whole mount (owned by main); it owns
//    the backing directory descriptor and closes it on destruction.
#pragma once

#include <chrono>
#include <string>

#define FUSE_USE_VERSION 314
#include <fuse.h>

namespace lifeboat::bench {

class LatencyFs {
 public:
  //! Opens `backing_dir` (must be a directory); throws std::runtime_error naming it if not.
  LatencyFs(std::string backing_dir, std::chrono::microseconds latency);
  ~LatencyFs();
  LatencyFs(const LatencyFs&) = delete;
  LatencyFs& operator=(const LatencyFs&) = delete;

  //! The operation table to hand to fuse_main; private_data must be this instance.
  static fuse_operations operations();

  //! The instance serving the calling FUSE request.
  static LatencyFs& current();

  //! Sleeps for the configured latency (no-op when it is zero).
  void delay() const;
  //! The backing directory descriptor every relative path is resolved against.
  int root_fd() const { return root_fd_; }
  //! Absolute path of the backing entry for a FUSE path (for the path-only xattr calls).
  std::string backing_path(const char* path) const;

 private:
  std::string backing_dir_;
  std::chrono::microseconds latency_;
  int root_fd_ = -1;
};

}  // namespace lifeboat::bench

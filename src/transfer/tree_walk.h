// The copy walk's directories: DirNode, one directory in progress, and OpenDirs, which
// keeps the walk's directory descriptors bounded however deep or wide the tree is.
//
// A DirNode is alive while it or anything below it is in progress; the last piece of work
// to finish in it (pending reaches 0) sets the directory's own metadata — after its
// contents, so their creation does not disturb its mtime — and then releases its parent.
// Its descriptors are open only while pinned (OpenDirs::pin) or idle among the most
// recently used, so a chain of any depth holds a bounded number of descriptors; a closed
// one is reopened by name from its parent, or through ".." of its child, and checked to
// be the same directory (dev, ino).
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "fs/file_system.h"

namespace lifeboat::transfer {

struct DirNode {
  std::shared_ptr<DirNode> parent;  //!< null for the root; dropped once the directory is done
  std::string name;                 //!< name in the parent; the path is built by rel_of
  fs::Fd src;
  fs::Fd dst;            //!< invalid in a dry run when the target directory does not exist
  bool has_dst = false;  //!< the target directory exists (dst open, or can be reopened)
  fs::FileStat src_stat;
  std::uint64_t dst_dev = 0;  //!< the target directory's identity, recorded when dst is closed
  std::uint64_t dst_ino = 0;
  bool dst_created = false;
  //! An existing target directory under --overwrite never|older: merged into, but its own
  //! owner, mode, ACLs, xattrs and times are left as they are.
  bool keep_metadata = false;
  bool included = false;  //!< inside a directory that matched an include pattern
  std::atomic<int> pending{1};
  // Guarded by OpenDirs.
  int pins = 0;
  bool done = false;  // finished: descriptors closed for good
  bool idle = false;  // open, unpinned, in OpenDirs::idle_ at idle_pos
  std::list<DirNode*>::iterator idle_pos;
};
using NodePtr = std::shared_ptr<DirNode>;

//! `dir`/`name`, or `name` when `dir` is empty.
std::string join_path(const std::string& dir, const std::string& name);

//! The path of `node` from the root ("" for the root), built when needed: a directory does
//! not keep its own path, since the paths of a deep chain would take memory quadratic in
//! its depth. Only for directories in progress (a finished one has let go of its parent).
std::string rel_of(const DirNode& node);

//! An entry of a directory in progress: its path is built only for a message or a pattern.
struct EntryPath {
  const DirNode* dir;
  const std::string& name;
  std::string str() const { return join_path(rel_of(*dir), name); }
};

//! The walk's open directory descriptors. Thread safe (its own lock, which also guards
//! DirNode::pins, done, idle and idle_pos).
class OpenDirs {
 public:
  //! `fs` must outlive this.
  explicit OpenDirs(fs::FileSystem& fs) : fs_(fs) {}

  //! Makes sure node.src (and node.dst when it has one) are open and keeps them so until
  //! unpin: reopened from the parent by name if they were closed, and checked to still be
  //! the same directories.
  core::Status pin(DirNode& node);
  void unpin(DirNode& node);
  //! When the parent of `node` (open, finished) is closed and waits for `node` alone, gets
  //! its descriptors back through ".." of node's: one step, where a reopen by name would
  //! start from the nearest open ancestor.
  void reopen_parent_from(DirNode& node);
  //! For good: the directory is finished.
  void close(DirNode& node);

 private:
  void unpin_locked(DirNode& node);
  //! Closes an idle node's descriptors (the least recently used) while there are too many.
  void trim_idle_locked();
  core::Status reopen_locked(DirNode& node);

  fs::FileSystem& fs_;
  std::mutex mu_;
  std::list<DirNode*> idle_;  // least recently used first
};

}  // namespace lifeboat::transfer

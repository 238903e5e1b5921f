#include "transfer/file_placement.h"

#include <fcntl.h>

#include <cerrno>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "transfer/copier.h"
#include "transfer/dir_open.h"

namespace lifeboat::transfer {

using core::Result;
using core::Status;
using fs::DirEntry;
using fs::Fd;
using fs::FileStat;
using fs::FileType;

bool older(const timespec& a, const timespec& b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

bool keeps_existing(OverwriteMode mode, const FileStat& src, const FileStat* dst) {
  if (dst == nullptr) return false;
  if (mode == OverwriteMode::kNever) return true;
  return mode == OverwriteMode::kOlder && !older(dst->mtime, src.mtime);
}

FilePlacer::FilePlacer(fs::FileSystem& fs, const CopyOptions& options) : fs_(fs), opt_(options) {
  std::random_device rd;
  temp_tag_ = fmt::format("{:08x}", rd());
}

std::string FilePlacer::temp_name() {
  return fmt::format("{}{}.{:x}", kTempPrefix, temp_tag_, temp_counter_.fetch_add(1));
}

bool FilePlacer::probe_unnamed_files(int dir_fd) {
  std::string tmp = temp_name();
  auto fd = fs_.open_unnamed(dir_fd, tmp, O_RDWR, 0600);
  if (!fd.is_ok()) return false;
  if (!fs_.link_fd(fd->get(), dir_fd, tmp)) return false;
  (void)fs_.unlink_at(dir_fd, tmp, false);
  return true;
}

bool FilePlacer::use_unnamed(int dir_fd) {
  if (opt_.temp_names) return false;
  std::call_once(unnamed_probed_, [&] { unnamed_ok_.store(probe_unnamed_files(dir_fd)); });
  return unnamed_ok_.load(std::memory_order_relaxed);
}

Result<FilePlacer::Output> FilePlacer::create(int dir_fd, const std::string& name, mode_t mode,
                                              bool replacing) {
  Output out;
  if (!replacing && use_unnamed(dir_fd)) {
    auto fd = fs_.open_unnamed(dir_fd, name, O_RDWR, mode);
    if (fd.is_ok()) {
      out.fd = std::move(*fd);
      out.unnamed = true;
      return out;
    }
    if (!fs::is_unnamed_unsupported(fd.status().sys_errno())) return fd.status();
    // Not on this directory's file system (another mount below the target root).
    unnamed_ok_.store(false, std::memory_order_relaxed);
  }
  out.tmp = temp_name();
  auto fd = fs_.open_at(dir_fd, out.tmp, O_RDWR | O_CREAT | O_EXCL, mode);
  if (!fd.is_ok()) return fd.status();
  out.fd = std::move(*fd);
  return out;
}

void FilePlacer::discard(int dir_fd, Output& out) {
  out.fd.reset();  // an unnamed file is freed with its last descriptor
  if (!out.unnamed) (void)fs_.unlink_at(dir_fd, out.tmp, false);
}

Result<bool> FilePlacer::place(int dir_fd, Output& out, const std::string& name, const FileStat& st,
                               const FileStat* existing) {
  if (out.unnamed) {
    auto linked = link_output(dir_fd, out.fd.get(), name, st);
    out.fd.reset();
    return linked;
  }
  out.fd.reset();
  LIFEBOAT_RETURN_IF_ERROR(put_in_place(dir_fd, out.tmp, name, existing));
  return true;
}

Result<bool> FilePlacer::link_output(int dir_fd, int fd, const std::string& name,
                                     const FileStat& st) {
  Status linked = fs_.link_fd(fd, dir_fd, name);
  if (linked) return true;
  if (linked.sys_errno() != EEXIST) return linked;
  // Something took the name while the file was being copied: the overwrite rules decide
  // again, and a replacement goes through a temporary name (linkat never replaces).
  auto now = fs_.stat_at(dir_fd, name);
  if (!now.is_ok() && now.status().sys_errno() != ENOENT) return now.status();
  const FileStat* existing = now.is_ok() ? &*now : nullptr;
  if (keeps_existing(opt_.overwrite, st, existing)) return false;
  std::string tmp = temp_name();
  LIFEBOAT_RETURN_IF_ERROR(fs_.link_fd(fd, dir_fd, tmp));
  LIFEBOAT_RETURN_IF_ERROR(put_in_place(dir_fd, tmp, name, existing));
  return true;
}

Status FilePlacer::put_in_place(int dir_fd, const std::string& tmp, const std::string& name,
                                const FileStat* existing) {
  Status st;
  if (existing != nullptr && existing->type == FileType::kDirectory) {
    // rename(2) cannot put a file over a directory: the directory goes first.
    std::uint64_t removed = 0;
    st = remove_tree(dir_fd, name, true, removed);
  }
  // rename replaces a symlink at `name` itself; nothing is written through it.
  if (st) st = fs_.rename_at(dir_fd, tmp, dir_fd, name, 0);
  if (!st) (void)fs_.unlink_at(dir_fd, tmp, false);
  return st;
}

Result<Fd> FilePlacer::open_original_dir(int root_fd, const std::string& original,
                                         std::string& leaf) {
  size_t slash = original.rfind('/');
  leaf = slash == std::string::npos ? original : original.substr(slash + 1);
  return fs_.open_beneath(root_fd, slash == std::string::npos ? "" : original.substr(0, slash),
                          O_PATH | O_DIRECTORY);
}

Result<FileStat> FilePlacer::stat_original(int root_fd, const std::string& original) {
  std::string leaf;
  auto dir = open_original_dir(root_fd, original, leaf);
  if (!dir.is_ok()) return dir.status();
  return fs_.stat_at(dir->get(), leaf);
}

FilePlacer::LinkAttempt FilePlacer::link_to_original(int root_fd, const std::string& original,
                                                     int dir_fd, const std::string& name,
                                                     bool dir_is_new) {
  std::string leaf;
  auto dir = open_original_dir(root_fd, original, leaf);
  if (!dir.is_ok()) return {};  // copy it as a file of its own instead
  if (dir_is_new) {
    // A link is never partial. Taken meanwhile: the general path below decides.
    Status direct = fs_.link_at(dir->get(), leaf, dir_fd, name);
    if (direct) return {true, Status::ok()};
    if (direct.sys_errno() != EEXIST) return {false, direct};
  }
  std::string tmp = temp_name();
  Status ln = fs_.link_at(dir->get(), leaf, dir_fd, tmp);
  if (!ln) return {false, ln};
  auto existing = fs_.stat_at(dir_fd, name);
  return {true, put_in_place(dir_fd, tmp, name, existing.is_ok() ? &*existing : nullptr)};
}

Status FilePlacer::remove_tree(int dir_fd, const std::string& name, bool is_dir,
                               std::uint64_t& removed) {
  if (!is_dir) {
    Status st = fs_.unlink_at(dir_fd, name, false);
    if (st) {
      ++removed;
      return st;
    }
    if (st.sys_errno() != EISDIR && st.sys_errno() != EPERM) return st;
  }
  // Depth first on a stack of its own, so any depth is fine; levels below kOpenLevels close
  // their descriptor while a deeper one is emptied and get it back through "..".
  struct Level {
    Fd fd;
    std::string name;  // in the level above
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    std::vector<std::string> subdirs;
    size_t next = 0;
  };
  std::vector<Level> levels;
  // Opens directory `child` of `parent_fd`, removes what is not a directory in it and pushes
  // it with its subdirectories still to do.
  auto enter = [&](int parent_fd, const std::string& child) -> Status {
    auto sub = fs_.open_at(parent_fd, child, O_RDONLY | O_DIRECTORY);
    if (!sub.is_ok()) return sub.status();
    Level level;
    level.name = child;
    std::vector<DirEntry> entries;
    LIFEBOAT_RETURN_IF_ERROR(fs_.read_dir(sub->get(), [&](const DirEntry& e) {
      entries.push_back(e);
      return Status::ok();
    }));
    for (const DirEntry& e : entries) {
      if (e.type != FileType::kDirectory) {
        Status st = fs_.unlink_at(sub->get(), e.name, false);
        if (st) {
          ++removed;
          continue;
        }
        if (st.sys_errno() != EISDIR && st.sys_errno() != EPERM) return st;
      }
      level.subdirs.push_back(e.name);
    }
    level.fd = std::move(*sub);
    levels.push_back(std::move(level));
    return Status::ok();
  };
  LIFEBOAT_RETURN_IF_ERROR(enter(dir_fd, name));
  while (!levels.empty()) {
    if (levels.back().next < levels.back().subdirs.size()) {
      Level& cur = levels.back();
      const std::string child = cur.subdirs[cur.next++];
      LIFEBOAT_RETURN_IF_ERROR(enter(cur.fd.get(), child));
      Level& above = levels[levels.size() - 2];
      if (levels.size() > kOpenLevels) {
        LIFEBOAT_ASSIGN_OR_RETURN(FileStat st, fs_.stat_at(above.fd.get(), ""));
        above.dev = st.dev;
        above.ino = st.ino;
        above.fd.reset();
      }
      continue;
    }
    // Empty now: removed from the level above.
    Level& cur = levels.back();
    int parent_fd = dir_fd;
    if (levels.size() >= 2) {
      Level& above = levels[levels.size() - 2];
      if (!above.fd.valid()) {
        LIFEBOAT_ASSIGN_OR_RETURN(above.fd,
                                  open_dir_checked(fs_, "..", cur.fd.get(), above.dev, above.ino));
      }
      parent_fd = above.fd.get();
    }
    cur.fd.reset();
    LIFEBOAT_RETURN_IF_ERROR(fs_.unlink_at(parent_fd, cur.name, true));
    ++removed;
    levels.pop_back();
  }
  return Status::ok();
}

}  // namespace lifeboat::transfer

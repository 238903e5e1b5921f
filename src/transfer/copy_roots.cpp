#include "transfer/copy_roots.h"

#include <fcntl.h>

#include <cerrno>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace lifeboat::transfer {

using core::Result;
using core::Status;
using fs::Fd;
using fs::FileStat;

namespace {

std::string parent_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// True when directory `from` is `other` or lies below it: walks up through "..".
Result<bool> is_inside(fs::FileSystem& fs, int from, const FileStat& other) {
  auto cur = fs.open_at(from, ".", O_PATH | O_DIRECTORY);
  if (!cur.is_ok()) return cur.status();
  Fd fd = std::move(*cur);
  for (int depth = 0; depth < 4096; ++depth) {
    auto st = fs.stat_at(fd.get(), "");
    if (!st.is_ok()) return st.status();
    if (st->dev == other.dev && st->ino == other.ino) return true;
    auto up = fs.open_at(fd.get(), "..", O_PATH | O_DIRECTORY);
    if (!up.is_ok()) return up.status();
    auto up_st = fs.stat_at(up->get(), "");
    if (!up_st.is_ok()) return up_st.status();
    if (up_st->dev == st->dev && up_st->ino == st->ino) return false;  // reached "/"
    fd = std::move(*up);
  }
  return false;
}

// Refuses a target the copy would have to create (nobody owns it yet). A target root owned
// by root (uid or gid 0) means preserve: the old home's files never become root's.
Status resolve_home_owners(CopyOptions& opt, bool target_existed, const FileStat& src_root,
                           const FileStat& dst_root) {
  for (auto [mapping, what] : {std::pair{&opt.owner, "owner"}, std::pair{&opt.group, "group"}}) {
    if (mapping->mode() != IdMapping::Mode::kHome) continue;
    if (!target_existed) {
      return Status::invalid_argument(fmt::format(
          "--{} home: target '{}' does not exist, so it has no {} to give the files; create "
          "it first (the platform does, for a recovery) or name the ids with map:OLD=NEW",
          what, opt.target, what));
    }
    const bool is_owner = mapping == &opt.owner;
    const std::uint32_t from = is_owner ? src_root.uid : src_root.gid;
    const std::uint32_t to = is_owner ? dst_root.uid : dst_root.gid;
    *mapping = to == 0 ? IdMapping() : mapping->resolved_for_roots(from, to);
  }
  return Status::ok();
}

}  // namespace

Result<CopyRoots> open_copy_roots(fs::FileSystem& fs, CopyOptions& opt) {
  CopyRoots roots;
  auto src = fs.open_root(opt.source, false);
  if (!src.is_ok()) {
    return Status::invalid_argument(
        fmt::format("source '{}': {}", opt.source, src.status().message()));
  }
  auto src_stat = fs.stat_at(src->get(), "");
  if (!src_stat.is_ok()) return src_stat.status();
  Result<Fd> dst = fs.open_root(opt.target, false);
  roots.dst_existed = dst.is_ok();
  if (!dst.is_ok()) {
    if (dst.status().sys_errno() != ENOENT) {
      return Status::invalid_argument(
          fmt::format("target '{}': {}", opt.target, dst.status().message()));
    }
    for (std::string probe = parent_path(opt.target);; probe = parent_path(probe)) {
      auto ancestor = fs.open_root(probe, false);
      if (ancestor.is_ok()) {
        LIFEBOAT_ASSIGN_OR_RETURN(bool nested, is_inside(fs, ancestor->get(), *src_stat));
        if (nested) {
          return Status::invalid_argument(fmt::format(
              "target '{}' would be inside the source '{}': choose a target outside the source",
              opt.target, opt.source));
        }
        break;
      }
      if (ancestor.status().sys_errno() != ENOENT || probe == "/" || probe == ".") break;
    }
    if (!opt.dry_run) LIFEBOAT_RETURN_IF_ERROR(resolve_home_owners(opt, false, *src_stat, {}));
    dst = opt.dry_run ? Result<Fd>(Fd()) : fs.open_root(opt.target, true);
    if (!dst.is_ok()) {
      return Status::invalid_argument(
          fmt::format("target '{}': {}", opt.target, dst.status().message()));
    }
  }
  if (dst->valid()) {
    auto dst_stat = fs.stat_at(dst->get(), "");
    if (!dst_stat.is_ok()) return dst_stat.status();
    LIFEBOAT_RETURN_IF_ERROR(resolve_home_owners(opt, roots.dst_existed, *src_stat, *dst_stat));
    LIFEBOAT_ASSIGN_OR_RETURN(bool dst_in_src, is_inside(fs, dst->get(), *src_stat));
    if (dst_in_src) {
      return Status::invalid_argument(fmt::format(
          "target '{}' is the source '{}' or inside it: choose a target outside the source",
          opt.target, opt.source));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(bool src_in_dst, is_inside(fs, src->get(), *dst_stat));
    if (src_in_dst) {
      return Status::invalid_argument(fmt::format(
          "source '{}' is inside the target '{}': choose a target that does not contain the source",
          opt.source, opt.target));
    }
    auto again = fs.open_at(dst->get(), ".", O_PATH | O_DIRECTORY);
    if (!again.is_ok()) return again.status();
    roots.dst_path = std::move(*again);
  }
  roots.src = std::move(*src);
  roots.src_stat = *src_stat;
  roots.dst = std::move(*dst);
  return roots;
}

}  // namespace lifeboat::transfer

#include "transfer/tree_verifier.h"

#include <fcntl.h>

#include <vector>

#include "transfer/data_copy.h"
#include "transfer/dir_open.h"
#include "transfer/extent_walker.h"
#include "transfer/metadata.h"
#include "transfer/tree_walk.h"

namespace lifeboat::transfer {

using core::Status;
using fs::DirEntry;
using fs::Fd;
using fs::FileStat;
using fs::FileType;

TreeVerifier::TreeVerifier(fs::FileSystem& fs, const CopyOptions& options, const PathFilter& filter,
                           CopyTally& tally, std::function<bool()> stop_requested)
    : fs_(fs),
      opt_(options),
      filter_(filter),
      tally_(tally),
      stop_requested_(std::move(stop_requested)) {}

void TreeVerifier::verify(Fd src_root, Fd dst_root) {
  struct Level {
    Fd src;
    Fd dst;
    std::string name;  // in the level above
    FileStat src_id;   // recorded when the descriptors are closed
    FileStat dst_id;
    std::vector<DirEntry> entries;
    size_t next = 0;
    bool included = false;
  };
  std::vector<Level> levels;
  auto path_of = [&levels](const std::string& name) {
    std::string out;
    for (size_t i = 1; i < levels.size(); ++i) out = join_path(out, levels[i].name);
    return join_path(out, name);
  };
  // Lists source directory `src` and pushes it with its target twin.
  auto enter = [&](Fd src, Fd dst, const std::string& name, bool included) {
    Level level;
    Status ls = fs_.read_dir(src.get(), [&](const DirEntry& e) {
      level.entries.push_back(e);
      return Status::ok();
    });
    if (!ls) {
      tally_.fail(path_of(name), ls.with_context("verify"));
      return false;
    }
    level.src = std::move(src);
    level.dst = std::move(dst);
    level.name = name;
    level.included = included;
    levels.push_back(std::move(level));
    return true;
  };
  enter(std::move(src_root), std::move(dst_root), "", false);
  while (!levels.empty()) {
    if (stop_requested_()) return;
    Level& cur = levels.back();
    if (cur.next == cur.entries.size()) {
      if (levels.size() >= 2 && !levels[levels.size() - 2].src.valid()) {
        Level& above = levels[levels.size() - 2];
        auto s = open_dir_checked(fs_, "..", cur.src.get(), above.src_id.dev, above.src_id.ino);
        auto d = open_dir_checked(fs_, "..", cur.dst.get(), above.dst_id.dev, above.dst_id.ino);
        if (!s.is_ok() || !d.is_ok()) {
          levels.pop_back();
          return tally_.fail(path_of(""),
                             "verify: a directory was moved during the verify; stopped");
        }
        above.src = std::move(*s);
        above.dst = std::move(*d);
      }
      levels.pop_back();
      continue;
    }
    const DirEntry& e = cur.entries[cur.next++];
    auto st = fs_.stat_at(cur.src.get(), e.name);
    if (!st.is_ok()) continue;  // gone since the copy
    bool is_dir = st->type == FileType::kDirectory;
    std::string rel;  // only patterns need it
    if (filter_.has_patterns()) {
      rel = path_of(e.name);
      if (filter_.excluded(rel, is_dir)) continue;
    }
    if (!is_dir) {
      if (filter_.has_includes() && !cur.included && !filter_.included(rel, false)) continue;
      verify_entry(cur.src.get(), cur.dst.get(), e, *st, [&] { return path_of(e.name); });
      continue;
    }
    bool sub_included = cur.included || (filter_.has_includes() && filter_.included(rel, true));
    auto s = open_for_reading(fs_, cur.src.get(), e.name, O_RDONLY | O_DIRECTORY);
    auto d = open_for_reading(fs_, cur.dst.get(), e.name, O_RDONLY | O_DIRECTORY);
    if (!s.is_ok()) continue;
    if (!d.is_ok()) {
      tally_.fail(path_of(e.name), "verify: directory missing in the target");
      continue;
    }
    if (levels.size() > kOpenLevels) {
      auto src_id = fs_.stat_at(cur.src.get(), "");
      auto dst_id = fs_.stat_at(cur.dst.get(), "");
      if (!src_id.is_ok() || !dst_id.is_ok()) {
        return tally_.fail(path_of(""), "verify: could not stat a directory; stopped");
      }
      cur.src_id = *src_id;
      cur.dst_id = *dst_id;
      cur.src.reset();
      cur.dst.reset();
    }
    const std::string name = e.name;  // `cur` moves when the stack grows
    enter(std::move(*s), std::move(*d), name, sub_included);
  }
}

void TreeVerifier::verify_entry(int src_dir, int dst_dir, const DirEntry& e, const FileStat& st,
                                const std::function<std::string()>& rel) {
  auto dst = fs_.stat_at(dst_dir, e.name);
  if (st.type == FileType::kSymlink) {
    auto a = fs_.readlink_at(src_dir, e.name);
    auto b = fs_.readlink_at(dst_dir, e.name);
    if (a.is_ok() && (!b.is_ok() || *a != *b)) {
      tally_.fail(rel(), "verify: symlink differs in the target");
    } else if (a.is_ok()) {
      tally_.verified();
    }
    return;
  }
  if (st.type != FileType::kRegular) return;
  if (!dst.is_ok() || dst->type != FileType::kRegular) {
    // Kept by --overwrite never/older: not this copy's to verify.
    if (opt_.overwrite == OverwriteMode::kAlways) {
      tally_.fail(rel(), "verify: file missing in the target");
    }
    return;
  }
  if (opt_.overwrite != OverwriteMode::kAlways && !same_time(dst->mtime, st.mtime)) return;
  auto s = open_for_reading(fs_, src_dir, e.name);
  auto d = open_for_reading(fs_, dst_dir, e.name);
  if (!s.is_ok()) return;  // unreadable: already reported by the copy
  if (!d.is_ok()) return tally_.fail(rel(), d.status().with_context("verify"));
  if (dst->size != st.size) {
    return tally_.fail(rel(), "verify: size differs between source and target");
  }
  auto hs = hash_file(fs_, s->get(), st.size, is_sparse(st));
  auto hd = hash_file(fs_, d->get(), dst->size, is_sparse(*dst));
  if (!hs.is_ok()) return;
  if (!hd.is_ok()) {
    tally_.fail(rel(), hd.status().with_context("verify"));
  } else if (*hs != *hd) {
    tally_.fail(rel(), "verify: content differs between source and target");
  } else {
    tally_.verified();
  }
}

}  // namespace lifeboat::transfer

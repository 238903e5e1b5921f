#include "transfer/target_dirs.h"

#include <fcntl.h>

#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "transfer/copier.h"

namespace lifeboat::transfer {

using core::Status;
using fs::DirEntry;
using fs::FileType;

bool TargetDirs::prepare(const DirNode& parent, DirNode& node, const EntryPath& rel) {
  auto existing = fs_.stat_at(parent.dst.get(), node.name);
  bool exists = existing.is_ok();
  if (!exists && existing.status().sys_errno() != ENOENT) {
    tally_.fail(rel.str(), existing.status());
    return false;
  }
  if (exists && existing->type != FileType::kDirectory) {
    // A file or symlink where a directory is to go: replaced (never written through).
    if (keeps_existing(opt_.overwrite, node.src_stat, &*existing)) {
      tally_.skip_listed(rel.str(), fmt::format("target is a {} and --overwrite keeps it",
                                                fs::file_type_name(existing->type)));
      return false;
    }
    if (opt_.dry_run) {
      tally_.deleted(1);
    } else {
      std::uint64_t removed = 0;
      Status rm = placer_.remove_tree(parent.dst.get(), node.name, false, removed);
      if (!rm) {
        tally_.fail(rel.str(), rm);
        return false;
      }
    }
    exists = false;
  }
  if (!exists && !opt_.dry_run) {
    Status mk = fs_.mkdir_at(parent.dst.get(), node.name, 0700);
    if (!mk && mk.sys_errno() != EEXIST) {
      tally_.fail(rel.str(), mk);
      return false;
    }
    node.dst_created = true;
  }
  // Already there and not replaced: --overwrite never|older keep what it is.
  node.keep_metadata = exists && opt_.overwrite != OverwriteMode::kAlways;
  return exists || !opt_.dry_run ? open(parent, node, rel) : true;
}

bool TargetDirs::open(const DirNode& parent, DirNode& node, const EntryPath& rel) {
  auto dst = fs_.open_at(parent.dst.get(), node.name, O_RDONLY | O_DIRECTORY);
  if (!dst.is_ok()) {
    if (dst.status().sys_errno() == ELOOP || dst.status().sys_errno() == ENOTDIR) {
      tally_.fail(rel.str(), "target changed into a non-directory during the copy; not followed");
    } else {
      tally_.fail(rel.str(), dst.status());
    }
    return false;
  }
  node.dst = std::move(*dst);
  node.has_dst = true;
  return true;
}

void TargetDirs::prune(const NodePtr& node, const std::unordered_set<std::string>& names) {
  std::vector<DirEntry> extras;
  Status ls = fs_.read_dir(node->dst.get(), [&](const DirEntry& e) {
    if (names.count(e.name) == 0) extras.push_back(e);
    return Status::ok();
  });
  if (!ls) return tally_.fail(rel_of(*node), ls);
  for (const DirEntry& e : extras) {
    const EntryPath path{node.get(), e.name};
    bool is_temp = e.name.rfind(kTempPrefix, 0) == 0;
    if (!is_temp && !opt_.delete_extraneous) continue;
    bool is_dir = e.type == FileType::kDirectory;
    if (e.type == FileType::kUnknown) {
      auto est = fs_.stat_at(node->dst.get(), e.name);
      if (!est.is_ok()) continue;
      is_dir = est->type == FileType::kDirectory;
    }
    if (!is_temp && filter_.has_patterns()) {
      const std::string rel = path.str();
      if (filter_.excluded(rel, is_dir)) continue;
      if (filter_.has_includes() && !node->included && !filter_.included(rel, is_dir)) continue;
    }
    if (opt_.dry_run) {
      if (!is_temp) tally_.deleted(1);
      continue;
    }
    std::uint64_t removed = 0;
    Status rm = placer_.remove_tree(node->dst.get(), e.name, is_dir, removed);
    if (!is_temp) tally_.deleted(removed);
    if (!rm && rm.sys_errno() != ENOENT) tally_.fail(path.str(), rm.with_context("delete"));
  }
}

}  // namespace lifeboat::transfer

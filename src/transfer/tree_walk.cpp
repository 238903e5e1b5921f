#include "transfer/tree_walk.h"

#include <vector>

#include "transfer/dir_open.h"

namespace lifeboat::transfer {

using core::Status;

namespace {

// Directories in progress whose descriptors stay open while no job uses them (two each);
// beyond this the least recently used are closed and reopened when next needed.
constexpr size_t kMaxIdleDirs = 256;

}  // namespace

std::string join_path(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

std::string rel_of(const DirNode& node) {
  std::vector<const std::string*> names;
  for (const DirNode* n = &node; n->parent != nullptr; n = n->parent.get()) {
    names.push_back(&n->name);
  }
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += **it;
  }
  return out;
}

Status OpenDirs::pin(DirNode& node) {
  std::lock_guard lock(mu_);
  // The closed directories from `node` up to the nearest open one (the root never closes).
  std::vector<DirNode*> closed;
  DirNode* open = &node;
  while (!open->src.valid()) {
    if (open->done || open->parent == nullptr) {
      return Status::failed_precondition("directory no longer open");
    }
    closed.push_back(open);
    open = open->parent.get();
  }
  if (open->idle) {
    idle_.erase(open->idle_pos);
    open->idle = false;
  }
  ++open->pins;
  // Reopened from the top down, each from its (pinned) parent.
  for (auto it = closed.rbegin(); it != closed.rend(); ++it) {
    DirNode& child = **it;
    Status st = reopen_locked(child);
    unpin_locked(*child.parent);
    if (!st) return st;
    ++child.pins;
  }
  return Status::ok();
}

void OpenDirs::unpin(DirNode& node) {
  std::lock_guard lock(mu_);
  unpin_locked(node);
}

void OpenDirs::unpin_locked(DirNode& node) {
  if (--node.pins > 0 || node.done || node.parent == nullptr) return;
  idle_.push_back(&node);
  node.idle_pos = std::prev(idle_.end());
  node.idle = true;
  trim_idle_locked();
}

void OpenDirs::trim_idle_locked() {
  while (idle_.size() > kMaxIdleDirs) {
    DirNode& old = *idle_.front();
    idle_.pop_front();
    old.idle = false;
    if (old.dst.valid()) {
      // Its identity, to make sure a reopen by name finds the same directory.
      auto st = fs_.stat_at(old.dst.get(), "");
      old.dst_dev = st.is_ok() ? st->dev : 0;
      old.dst_ino = st.is_ok() ? st->ino : 0;
    }
    old.src.reset();
    old.dst.reset();
  }
}

void OpenDirs::reopen_parent_from(DirNode& node) {
  std::lock_guard lock(mu_);
  DirNode& parent = *node.parent;
  if (parent.done || parent.src.valid() || parent.pending.load() != 1 || !node.src.valid()) {
    return;
  }
  auto src = open_dir_checked(fs_, "..", node.src.get(), parent.src_stat.dev, parent.src_stat.ino);
  if (!src.is_ok()) return;  // pin tries again by name and reports what it finds
  if (parent.has_dst) {
    if (!node.dst.valid()) return;
    auto dst = open_dir_checked(fs_, "..", node.dst.get(), parent.dst_dev, parent.dst_ino);
    if (!dst.is_ok()) return;
    parent.dst = std::move(*dst);
  }
  parent.src = std::move(*src);
  ++parent.pins;
  unpin_locked(parent);  // idle, most recently used
}

void OpenDirs::close(DirNode& node) {
  std::lock_guard lock(mu_);
  if (node.idle) idle_.erase(node.idle_pos);
  node.idle = false;
  node.done = true;
  node.pins = 0;
  node.src.reset();
  node.dst.reset();
}

Status OpenDirs::reopen_locked(DirNode& node) {
  const DirNode& parent = *node.parent;
  auto src =
      open_dir_checked(fs_, node.name, parent.src.get(), node.src_stat.dev, node.src_stat.ino);
  if (!src.is_ok()) return src.status();
  if (node.has_dst) {
    auto dst = open_dir_checked(fs_, node.name, parent.dst.get(), node.dst_dev, node.dst_ino);
    if (!dst.is_ok()) return dst.status();
    node.dst = std::move(*dst);
  }
  node.src = std::move(*src);
  return Status::ok();
}

}  // namespace lifeboat::transfer

#include "transfer/entry_copier.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <memory>

#include "transfer/content_hasher.h"
#include "transfer/dir_open.h"
#include "transfer/extent_walker.h"

namespace lifeboat::transfer {

using core::Status;
using fs::Fd;
using fs::FileStat;
using fs::FileType;

EntryCopier::EntryCopier(fs::FileSystem& fs, const CopyOptions& options, CopyTally& tally,
                         FilePlacer& placer, const Metadata& meta, DataCopier& data, int dst_root)
    : fs_(fs),
      opt_(options),
      tally_(tally),
      placer_(placer),
      meta_(meta),
      data_(data),
      dst_root_(dst_root) {}

bool EntryCopier::check_target(DirNode& node, const std::string& name, const EntryPath& rel,
                               const FileStat& st, std::optional<FileStat>& existing) {
  existing.reset();
  if (!node.dst.valid()) return true;
  auto d = fs_.stat_at(node.dst.get(), name);
  if (d.is_ok()) {
    existing = *d;
  } else if (d.status().sys_errno() != ENOENT) {
    fail(rel, d.status());
    return false;
  }
  if (keeps_existing(opt_.overwrite, st, existing ? &*existing : nullptr)) {
    tally_.skipped();
    return false;
  }
  return true;
}

bool EntryCopier::link_to(DirNode& node, const std::string& name, const EntryPath& rel,
                          const std::string& original) {
  auto attempt =
      placer_.link_to_original(dst_root_, original, node.dst.get(), name, node.dst_created);
  if (!attempt.done) {
    // Copied as a file of its own instead; a full target is worth reporting all the same.
    if (is_target_full(attempt.status)) fail(rel, attempt.status);
    return false;
  }
  if (!attempt.status) {
    fail(rel, attempt.status);
  } else {
    tally_.transferred();
  }
  return true;
}

bool EntryCopier::link_hard(DirNode& node, const std::string& name, const EntryPath& rel,
                            const FileStat& st, bool& is_first) {
  auto found = links_.claim(st.dev, st.ino);
  is_first = found.kind == HardLinkTable::Lookup::Kind::kFirst;
  if (found.kind != HardLinkTable::Lookup::Kind::kOriginal) return false;
  return link_to(node, name, rel, found.original);
}

bool EntryCopier::relink_if_split(DirNode& node, const std::string& name, const EntryPath& rel,
                                  const FileStat& st, const FileStat& existing) {
  // First name of this inode seen in this run: a later name links to this copy.
  auto found = links_.claim_kept(st.dev, st.ino, rel.str());
  if (found.kind != HardLinkTable::Lookup::Kind::kOriginal) return false;
  // Another name was copied (or kept) first — e.g. after an interrupted run left only this
  // one in place. If that copy is a different inode, this name becomes a link to it, so the
  // result does not depend on the order names are met in.
  auto first = placer_.stat_original(dst_root_, found.original);
  if (!first.is_ok() || first->ino == existing.ino) return false;
  return link_to(node, name, rel, found.original);
}

void EntryCopier::copy_regular(DirNode& node, const std::string& name, const EntryPath& rel,
                               const FileStat& st) {
  std::optional<FileStat> existing_stat;
  if (!check_target(node, name, rel, st, existing_stat)) return;
  const FileStat* existing = existing_stat ? &*existing_stat : nullptr;
  if (existing != nullptr && opt_.transfer_mode == TransferMode::kChanged &&
      existing->type == FileType::kRegular && existing->size == st.size &&
      same_time(existing->mtime, st.mtime)) {
    tally_.skipped();
    if (opt_.dry_run) return;
    bool owner_differs = meta_.owner_differs(st, *existing);
    bool mode_differs = opt_.preserve_perms && existing->permissions() != meta_.mode_for(st);
    bool fix = owner_differs || mode_differs;
    // A file with other names may be linked from outside the tree (its owner can hard-link
    // any file of theirs into it): never changed in place, a new copy replaces this name.
    if (fix && existing->nlink > 1) {
      tally_.unskip();
      return copy_new_file(node, name, rel, st, existing, Fd());
    }
    if (st.nlink > 1 && relink_if_split(node, name, rel, st, *existing)) {
      tally_.unskip();
      return;
    }
    if (!fix) return;
    // Same data: bring owner and mode in line without rewriting the file — if what is open
    // is still the single-named file that was looked at (the name may have been swapped).
    auto fd = fs_.open_at(node.dst.get(), name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (!fd.is_ok()) return fail(rel, fd.status());
    auto now = fs_.stat_at(fd->get(), "");
    if (!now.is_ok()) return fail(rel, now.status());
    if (now->type != FileType::kRegular || now->nlink > 1 || now->ino != existing->ino ||
        now->dev != existing->dev) {
      tally_.unskip();
      fd->reset();
      return copy_new_file(node, name, rel, st, &*now, Fd());
    }
    if (owner_differs) {
      if (Status s = meta_.set_owner_fd(fd->get(), st); !s) return fail(rel, s);
    }
    if (Status s = meta_.set_mode_fd(fd->get(), st); !s) return fail(rel, s);
    return;
  }
  if (opt_.dry_run) return tally_.estimate(st.size);
  copy_new_file(node, name, rel, st, existing, Fd());
}

void EntryCopier::copy_new_file(DirNode& node, const std::string& name, const EntryPath& rel,
                                const FileStat& st, const FileStat* existing, Fd src) {
  tally_.estimate(st.size);
  bool is_first = false;
  if (st.nlink > 1) {
    if (link_hard(node, name, rel, st, is_first)) return;
  }
  Status result = write_regular(node, name, st, existing, std::move(src));
  if (is_first) links_.finish(st.dev, st.ino, result.is_ok(), rel.str());
  if (!result) fail(rel, result);
}

bool EntryCopier::copy_fresh_regular(DirNode& node, const std::string& name, const EntryPath& rel) {
  auto src = open_for_reading(fs_, node.src.get(), name);
  if (!src.is_ok()) {
    int err = src.status().sys_errno();
    if (err == ENOENT) return true;                  // gone since the listing
    if (err == ELOOP || err == ENXIO) return false;  // now a symlink or a node: re-dispatch
    fail(rel, src.status());
    return true;
  }
  auto st = fs_.stat_at(src->get(), "");
  if (!st.is_ok()) {
    fail(rel, st.status());
    return true;
  }
  if (st->type != FileType::kRegular) return false;
  copy_new_file(node, name, rel, *st, nullptr, std::move(*src));
  return true;
}

Status EntryCopier::write_regular(DirNode& node, const std::string& name, const FileStat& st,
                                  const FileStat* existing, Fd src) {
  if (!src.valid()) {
    auto opened = open_for_reading(fs_, node.src.get(), name);
    if (!opened.is_ok()) return opened.status();
    src = std::move(*opened);
    // Still the regular file that was stat'ed by name?
    auto now = fs_.stat_at(src.get(), "");
    if (!now.is_ok()) return now.status();
    if (now->type != FileType::kRegular || now->ino != st.ino || now->dev != st.dev) {
      return Status::failed_precondition(
          "changed during the copy (replaced by another entry); not copied");
    }
  }
  const std::optional<mode_t> final_mode =
      node.dst_created ? meta_.final_creation_mode(st) : std::nullopt;
  const int dir = node.dst.get();
  auto out = placer_.create(dir, name, final_mode.value_or(0600), existing != nullptr);
  if (!out.is_ok()) return out.status();
  auto cleanup = [&](const Status& st2) {
    placer_.discard(dir, *out);
    return st2;
  };
  const int fd = out->fd.get();
  std::unique_ptr<ContentHasher> hasher;
  // Both verify modes check each written file before it is put in place, so a corrupt copy
  // never stands under its final name; `all` counts it in its tree walk at the end.
  if (opt_.verify != VerifyMode::kNone) hasher = std::make_unique<ContentHasher>();
  std::uint64_t copied = 0;
  if (Status s = data_.copy(src.get(), fd, st, hasher.get(), copied); !s) return cleanup(s);
  if (Status s = meta_.set_owner_fd(fd, st, node.dst_created); !s) return cleanup(s);
  if (!final_mode) {
    if (Status s = meta_.set_mode_fd(fd, st); !s) return cleanup(s);
  }
  if (Status s = meta_.copy_xattrs(src.get(), "", fd, ""); !s) return cleanup(s);
  if (hasher) {
    if (Status s = verify_written(fs_, fd, copied, hasher->hex_digest(), is_sparse(st)); !s) {
      return cleanup(s);
    }
    if (opt_.verify == VerifyMode::kTransferred) tally_.verified();
  }
  // Times last: re-reading the copy for verification would move its atime.
  if (Status s = meta_.set_times_fd(fd, st); !s) return cleanup(s);
  if (opt_.fsync) {
    if (Status s = fs_.fsync_fd(fd); !s) return cleanup(s);
  }
  LIFEBOAT_ASSIGN_OR_RETURN(bool placed, placer_.place(dir, *out, name, st, existing));
  if (placed) {
    tally_.transferred();
  } else {
    tally_.skipped();  // an entry appeared under `name` meanwhile and is kept
  }
  return Status::ok();
}

void EntryCopier::copy_symlink(DirNode& node, const std::string& name, const EntryPath& rel,
                               const FileStat& st) {
  auto target = fs_.readlink_at(node.src.get(), name);
  if (!target.is_ok()) {
    if (target.status().sys_errno() != ENOENT) fail(rel, target.status());
    return;
  }
  std::optional<FileStat> existing_stat;
  if (!check_target(node, name, rel, st, existing_stat)) return;
  const FileStat* existing = existing_stat ? &*existing_stat : nullptr;
  if (existing != nullptr && opt_.transfer_mode == TransferMode::kChanged &&
      existing->type == FileType::kSymlink && same_time(existing->mtime, st.mtime)) {
    auto old_target = fs_.readlink_at(node.dst.get(), name);
    if (old_target.is_ok() && *old_target == *target) return tally_.skipped();
  }
  tally_.estimate(0);
  if (opt_.dry_run) return;
  std::string tmp = placer_.temp_name();
  Status s = fs_.symlink_at(*target, node.dst.get(), tmp);
  if (!s) return fail(rel, s);
  settle_named(node, tmp, name, rel, st, existing);
}

void EntryCopier::copy_special(DirNode& node, const std::string& name, const EntryPath& rel,
                               const FileStat& st) {
  std::optional<FileStat> existing_stat;
  if (!check_target(node, name, rel, st, existing_stat)) return;
  const FileStat* existing = existing_stat ? &*existing_stat : nullptr;
  if (existing != nullptr && opt_.transfer_mode == TransferMode::kChanged &&
      existing->type == st.type && existing->rdev == st.rdev &&
      same_time(existing->mtime, st.mtime)) {
    return tally_.skipped();
  }
  tally_.estimate(0);
  if (opt_.dry_run) return;
  std::string tmp = placer_.temp_name();
  // Created, never opened: a node's metadata is set by name, without following.
  Status s =
      fs_.mknod_at(node.dst.get(), tmp, (st.mode & S_IFMT) | 0600, static_cast<dev_t>(st.rdev));
  if (!s) return fail(rel, s);
  settle_named(node, tmp, name, rel, st, existing);
}

void EntryCopier::settle_named(DirNode& node, const std::string& tmp, const std::string& name,
                               const EntryPath& rel, const FileStat& st, const FileStat* existing) {
  if (Status s = meta_.apply_named(node.src.get(), name, node.dst.get(), tmp, st); !s) {
    (void)fs_.unlink_at(node.dst.get(), tmp, false);
    return fail(rel, s);
  }
  if (Status mv = placer_.put_in_place(node.dst.get(), tmp, name, existing); !mv) {
    return fail(rel, mv);
  }
  tally_.transferred();
}

}  // namespace lifeboat::transfer

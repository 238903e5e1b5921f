// A manifest of a directory tree: every entry's metadata and content hash, taken without
// following symlinks, so that two trees (a copy's source and target) can be compared field by
// field. Used by the whole-binary copy tests.
//
// The walk works relative to directory descriptors (trees deeper than PATH_MAX are fine), never
// follows a symlink, never opens a fifo, socket or device, and reads file contents with
// O_NOATIME so taking a manifest does not change the atimes it records.
//
// Functions here throw std::runtime_error (naming the path) when the tree cannot be read: they
// are test helpers, and an unreadable fixture is a broken test.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lifeboat::testing {

enum class EntryType { kRegular, kDirectory, kSymlink, kFifo, kCharDevice, kBlockDevice, kSocket };

//! "file", "dir", "symlink", "fifo", "chardev", "blockdev", "socket".
const char* entry_type_name(EntryType type);

struct ManifestEntry {
  std::string path;  //!< relative to the root, raw bytes, '/'-separated; "." is the root
  EntryType type = EntryType::kRegular;
  mode_t mode = 0;  //!< permission bits incl. setuid/setgid/sticky (st_mode & 07777)
  uid_t uid = 0;
  gid_t gid = 0;
  std::uint64_t size = 0;  //!< regular files and symlinks; 0 for directories (fs-dependent)
  std::int64_t mtime_ns = 0;
  std::optional<std::int64_t> atime_ns;  //!< regular files only
  dev_t rdev = 0;                        //!< device nodes only
  std::string link_target;               //!< symlinks: the target bytes
  //! Hard links: the smallest path (bytewise) of the entries sharing this inode inside the
  //! tree; empty when the inode appears once in the tree.
  std::string hardlink_group;
  std::map<std::string, std::string> xattrs;  //!< every xattr but system.* (ACLs are below)
  std::string acl_access;        //!< extended access ACL as text; empty when the mode says it all
  std::string acl_default;       //!< default ACL of a directory as text; empty when none
  std::uint64_t blocks = 0;      //!< allocated 512-byte blocks (regular files)
  std::string content_hash;      //!< XXH3-128 of the contents, hex (regular files)
  bool contains_needle = false;  //!< contents hold ManifestOptions::needle (regular files)
};

struct Manifest {
  std::map<std::string, ManifestEntry> entries;  //!< by path

  const ManifestEntry* find(const std::string& path) const;
  //! Like find(), but throws (naming the path) when absent.
  const ManifestEntry& at(const std::string& path) const;
  bool contains(const std::string& path) const { return entries.count(path) != 0; }
  //! Paths whose contents (see ManifestOptions::needle), name, link target or xattr values
  //! hold `needle`.
  std::vector<std::string> paths_mentioning(const std::string& needle) const;
};

struct ManifestOptions {
  bool include_root = false;  //!< also record the root directory itself as "."
  std::string needle;         //!< if set, mark regular files whose contents hold these bytes
};

//! Walks the tree at `root` (which must be a directory; a symlink root is refused).
Manifest take_manifest(const std::string& root, const ManifestOptions& options = {});

//! Which fields diff_manifests compares. Everything by default.
struct DiffOptions {
  bool mode = true;
  bool uid = true;
  bool gid = true;
  bool size = true;
  bool mtime = true;
  bool atime = true;
  bool xattrs = true;
  bool acls = true;
  bool hardlinks = true;
  bool blocks = true;  //!< allocated blocks, with a small tolerance (see manifest.cpp)
  bool content = true;

  //! Everything but atimes: for tests about something else, so that one atime fault (covered
  //! by the fidelity tests) does not fail them all.
  static DiffOptions without_atime() {
    DiffOptions options;
    options.atime = false;
    return options;
  }
};

//! Every difference between `expected` and `actual`, one line each, naming the path (escaped,
//! see printable_path) and the field with both values; or "missing"/"unexpected" entries.
//! Empty when the trees match.
std::vector<std::string> diff_manifests(const Manifest& expected, const Manifest& actual,
                                        const DiffOptions& options = {});

//! All lines of diff_manifests joined with newlines (for assertion messages).
std::string diff_text(const std::vector<std::string>& diffs);

//! The names in the open directory `dir_fd` (not "." or ".."), sorted bytewise; `where` names
//! the directory in the error.
std::vector<std::string> list_directory(int dir_fd, const std::string& where);

//! `path` with non-printable bytes, backslashes and quotes C-escaped, in double quotes.
std::string printable_path(const std::string& path);

}  // namespace lifeboat::testing

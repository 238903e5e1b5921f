#include "support/manifest.h"

#include <acl/libacl.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>

namespace lifeboat::testing {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw std::runtime_error("manifest: " + what + " " + printable_path(path) + ": " +
                           std::strerror(err));
}

// Closes a descriptor on scope exit; the walk holds one per directory level.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string join(const std::string& parent, const std::string& name) {
  return parent == "." ? name : parent + "/" + name;
}

std::string proc_path(int dir_fd, const std::string& name) {
  return "/proc/self/fd/" + std::to_string(dir_fd) + "/" + name;
}

std::int64_t to_ns(const timespec& ts) {
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

EntryType type_of(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return EntryType::kDirectory;
    case S_IFLNK:
      return EntryType::kSymlink;
    case S_IFIFO:
      return EntryType::kFifo;
    case S_IFCHR:
      return EntryType::kCharDevice;
    case S_IFBLK:
      return EntryType::kBlockDevice;
    case S_IFSOCK:
      return EntryType::kSocket;
    default:
      return EntryType::kRegular;
  }
}

// Reads every xattr name/value pair but system.* through `list`/`get`, which wrap either the
// f* (descriptor) or the l* (no-follow path) calls.
template <typename List, typename Get>
std::map<std::string, std::string> read_xattrs(const std::string& rel, List list, Get get) {
  std::map<std::string, std::string> out;
  std::string names;
  for (;;) {
    ssize_t n = list(nullptr, 0);
    if (n < 0) {
      if (errno == ENOTSUP) return out;
      fail("listxattr", rel, errno);
    }
    names.resize(static_cast<size_t>(n));
    n = list(names.data(), names.size());
    if (n >= 0) {
      names.resize(static_cast<size_t>(n));
      break;
    }
    if (errno != ERANGE) fail("listxattr", rel, errno);
  }
  for (size_t pos = 0; pos < names.size();) {
    std::string name(names.c_str() + pos);
    pos += name.size() + 1;
    if (name.rfind("system.", 0) == 0) continue;
    std::string value;
    for (;;) {
      ssize_t n = get(name.c_str(), nullptr, 0);
      if (n < 0) fail("getxattr " + name, rel, errno);
      value.resize(static_cast<size_t>(n));
      n = get(name.c_str(), value.data(), value.size());
      if (n >= 0) {
        value.resize(static_cast<size_t>(n));
        break;
      }
      if (errno != ERANGE) fail("getxattr " + name, rel, errno);
    }
    out[name] = value;
  }
  return out;
}

std::string acl_text(acl_t acl) {
  char* text = acl_to_any_text(acl, nullptr, ',', TEXT_ABBREVIATE | TEXT_NUMERIC_IDS);
  std::string out = text != nullptr ? text : "";
  acl_free(text);
  return out;
}

void read_acls(int fd, const std::string& rel, bool is_dir, ManifestEntry& entry) {
  acl_t access = acl_get_fd(fd);
  if (access == nullptr) {
    if (errno == ENOTSUP) return;
    fail("acl_get_fd", rel, errno);
  }
  // A minimal ACL only mirrors the mode bits, which are compared on their own.
  if (acl_equiv_mode(access, nullptr) != 0) entry.acl_access = acl_text(access);
  acl_free(access);
  if (!is_dir) return;
  std::string self = "/proc/self/fd/" + std::to_string(fd);
  acl_t def = acl_get_file(self.c_str(), ACL_TYPE_DEFAULT);
  if (def == nullptr) fail("acl_get_file default", rel, errno);
  if (acl_entries(def) > 0) entry.acl_default = acl_text(def);
  acl_free(def);
}

std::string hash_contents(int fd, const std::string& rel, const std::string& needle, bool& found) {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(XXH3_createState(),
                                                                 &XXH3_freeState);
  XXH3_128bits_reset(state.get());
  std::vector<char> buf(1 << 16);
  std::string window;  // the last needle.size()-1 bytes, so a match across reads is seen
  for (;;) {
    ssize_t n = read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("read", rel, errno);
    }
    if (n == 0) break;
    XXH3_128bits_update(state.get(), buf.data(), static_cast<size_t>(n));
    if (!needle.empty() && !found) {
      window.append(buf.data(), static_cast<size_t>(n));
      found = window.find(needle) != std::string::npos;
      if (window.size() >= needle.size()) window.erase(0, window.size() - needle.size() + 1);
    }
  }
  XXH128_canonical_t canon;
  XXH128_canonicalFromHash(&canon, XXH3_128bits_digest(state.get()));
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : canon.digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 15];
  }
  return hex;
}

int open_noatime(int dir_fd, const std::string& name, int flags, const std::string& rel) {
  int fd = openat(dir_fd, name.c_str(), flags | O_NOATIME | O_NOFOLLOW | O_CLOEXEC);
  // O_NOATIME needs ownership or CAP_FOWNER; without them reading may touch atime.
  if (fd < 0 && errno == EPERM) fd = openat(dir_fd, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail("open", rel, errno);
  return fd;
}

class Walker {
 public:
  Walker(Manifest& manifest, std::string needle)
      : manifest_(manifest), needle_(std::move(needle)) {}

  void walk_root(const std::string& root, bool include_root) {
    int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fail("open root", root, errno);
    ScopedFd dir(fd);
    if (include_root) {
      struct stat st {};
      if (fstat(dir.get(), &st) != 0) fail("fstat", root, errno);
      ManifestEntry entry = basic_entry(".", st);
      fill_from_fd(dir.get(), ".", entry);
      manifest_.entries["."] = std::move(entry);
    }
    walk_dir(dir.get(), ".");
    assign_hardlink_groups();
  }

 private:
  static ManifestEntry basic_entry(const std::string& rel, const struct stat& st) {
    ManifestEntry entry;
    entry.path = rel;
    entry.type = type_of(st.st_mode);
    entry.mode = st.st_mode & 07777;
    entry.uid = st.st_uid;
    entry.gid = st.st_gid;
    entry.mtime_ns = to_ns(st.st_mtim);
    if (entry.type == EntryType::kRegular || entry.type == EntryType::kSymlink) {
      entry.size = static_cast<std::uint64_t>(st.st_size);
    }
    if (entry.type == EntryType::kRegular) {
      entry.atime_ns = to_ns(st.st_atim);
      entry.blocks = static_cast<std::uint64_t>(st.st_blocks);
    }
    if (entry.type == EntryType::kCharDevice || entry.type == EntryType::kBlockDevice) {
      entry.rdev = st.st_rdev;
    }
    return entry;
  }

  static void fill_from_fd(int fd, const std::string& rel, ManifestEntry& entry) {
    entry.xattrs = read_xattrs(
        rel, [fd](char* buf, size_t size) { return flistxattr(fd, buf, size); },
        [fd](const char* name, void* buf, size_t size) { return fgetxattr(fd, name, buf, size); });
    read_acls(fd, rel, entry.type == EntryType::kDirectory, entry);
  }

  void walk_dir(int dir_fd, const std::string& rel_dir) {
    for (const std::string& name : list_directory(dir_fd, rel_dir)) {
      std::string rel = join(rel_dir, name);
      struct stat st {};
      if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) fail("stat", rel, errno);
      ManifestEntry entry = basic_entry(rel, st);
      if (entry.type != EntryType::kDirectory && st.st_nlink > 1) {
        inodes_[{st.st_dev, st.st_ino}].push_back(rel);
      }
      switch (entry.type) {
        case EntryType::kDirectory: {
          ScopedFd child(open_noatime(dir_fd, name, O_RDONLY | O_DIRECTORY, rel));
          fill_from_fd(child.get(), rel, entry);
          manifest_.entries[rel] = std::move(entry);
          walk_dir(child.get(), rel);
          break;
        }
        case EntryType::kRegular: {
          ScopedFd file(open_noatime(dir_fd, name, O_RDONLY | O_NONBLOCK, rel));
          fill_from_fd(file.get(), rel, entry);
          entry.content_hash = hash_contents(file.get(), rel, needle_, entry.contains_needle);
          manifest_.entries[rel] = std::move(entry);
          break;
        }
        default: {
          // Links, fifos, sockets and devices are never opened: read through the l* calls on a
          // short path (the parent's descriptor), which works at any depth.
          if (entry.type == EntryType::kSymlink) {
            std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
            ssize_t n = readlinkat(dir_fd, name.c_str(), target.data(), target.size());
            if (n < 0) fail("readlink", rel, errno);
            target.resize(static_cast<size_t>(n));
            entry.link_target = target;
          }
          std::string path = proc_path(dir_fd, name);
          entry.xattrs = read_xattrs(
              rel, [&path](char* buf, size_t size) { return llistxattr(path.c_str(), buf, size); },
              [&path](const char* xname, void* buf, size_t size) {
                return lgetxattr(path.c_str(), xname, buf, size);
              });
          manifest_.entries[rel] = std::move(entry);
          break;
        }
      }
    }
  }

  void assign_hardlink_groups() {
    for (auto& [inode, paths] : inodes_) {
      if (paths.size() < 2) continue;
      const std::string& first = *std::min_element(paths.begin(), paths.end());
      for (const std::string& p : paths) manifest_.entries[p].hardlink_group = first;
    }
  }

  Manifest& manifest_;
  std::string needle_;
  std::map<std::pair<dev_t, ino_t>, std::vector<std::string>> inodes_;
};

std::string octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0%04o", static_cast<unsigned>(mode));
  return buf;
}

std::string xattrs_text(const std::map<std::string, std::string>& xattrs) {
  std::string out = "{";
  for (const auto& [name, value] : xattrs) {
    if (out.size() > 1) out += ", ";
    out += name + "=" + printable_path(value);
  }
  return out + "}";
}

// Allocation differs a little between two files with the same data and holes (extent tree
// blocks); a copy that fills the holes differs by the size of the holes.
bool blocks_match(std::uint64_t a, std::uint64_t b) {
  std::uint64_t diff = a > b ? a - b : b - a;
  return diff <= 8 + std::max(a, b) / 64;
}

void compare_entries(const ManifestEntry& e, const ManifestEntry& a, const DiffOptions& opt,
                     std::vector<std::string>& out) {
  const std::string where = printable_path(e.path);
  auto add = [&](const std::string& field, const std::string& want, const std::string& got) {
    out.push_back(where + ": " + field + " expected " + want + ", got " + got);
  };
  if (e.type != a.type) {
    add("type", entry_type_name(e.type), entry_type_name(a.type));
    return;
  }
  if (opt.mode && e.mode != a.mode) add("mode", octal(e.mode), octal(a.mode));
  if (opt.uid && e.uid != a.uid) add("uid", std::to_string(e.uid), std::to_string(a.uid));
  if (opt.gid && e.gid != a.gid) add("gid", std::to_string(e.gid), std::to_string(a.gid));
  if (opt.size && e.size != a.size) add("size", std::to_string(e.size), std::to_string(a.size));
  if (opt.mtime && e.mtime_ns != a.mtime_ns) {
    add("mtime_ns", std::to_string(e.mtime_ns), std::to_string(a.mtime_ns));
  }
  if (opt.atime && e.atime_ns != a.atime_ns) {
    add("atime_ns", std::to_string(e.atime_ns.value_or(-1)),
        std::to_string(a.atime_ns.value_or(-1)));
  }
  if (e.rdev != a.rdev) {
    add("rdev", std::to_string(major(e.rdev)) + ":" + std::to_string(minor(e.rdev)),
        std::to_string(major(a.rdev)) + ":" + std::to_string(minor(a.rdev)));
  }
  if (e.link_target != a.link_target) {
    add("link_target", printable_path(e.link_target), printable_path(a.link_target));
  }
  if (opt.hardlinks && e.hardlink_group != a.hardlink_group) {
    add("hardlink_group", printable_path(e.hardlink_group), printable_path(a.hardlink_group));
  }
  if (opt.xattrs && e.xattrs != a.xattrs)
    add("xattrs", xattrs_text(e.xattrs), xattrs_text(a.xattrs));
  if (opt.acls && e.acl_access != a.acl_access) {
    add("acl_access", "'" + e.acl_access + "'", "'" + a.acl_access + "'");
  }
  if (opt.acls && e.acl_default != a.acl_default) {
    add("acl_default", "'" + e.acl_default + "'", "'" + a.acl_default + "'");
  }
  if (opt.blocks && !blocks_match(e.blocks, a.blocks)) {
    add("blocks", std::to_string(e.blocks), std::to_string(a.blocks));
  }
  if (opt.content && e.content_hash != a.content_hash) {
    add("content_hash", e.content_hash, a.content_hash);
  }
}

}  // namespace

std::vector<std::string> list_directory(int dir_fd, const std::string& where) {
  // A new descriptor for the listing: fdopendir takes ownership of it and moves its offset.
  int list_fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (list_fd < 0) fail("reopen directory", where, errno);
  DIR* dir = fdopendir(list_fd);
  if (dir == nullptr) {
    close(list_fd);
    fail("fdopendir", where, errno);
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* d = readdir(dir)) {
    std::string name = d->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  int err = errno;
  closedir(dir);
  if (err != 0) fail("readdir", where, err);
  std::sort(names.begin(), names.end());
  return names;
}

const char* entry_type_name(EntryType type) {
  switch (type) {
    case EntryType::kRegular:
      return "file";
    case EntryType::kDirectory:
      return "dir";
    case EntryType::kSymlink:
      return "symlink";
    case EntryType::kFifo:
      return "fifo";
    case EntryType::kCharDevice:
      return "chardev";
    case EntryType::kBlockDevice:
      return "blockdev";
    case EntryType::kSocket:
      return "socket";
  }
  return "?";
}

const ManifestEntry* Manifest::find(const std::string& path) const {
  auto it = entries.find(path);
  return it == entries.end() ? nullptr : &it->second;
}

const ManifestEntry& Manifest::at(const std::string& path) const {
  const ManifestEntry* entry = find(path);
  if (entry == nullptr) throw std::runtime_error("manifest has no entry " + printable_path(path));
  return *entry;
}

std::vector<std::string> Manifest::paths_mentioning(const std::string& needle) const {
  std::vector<std::string> out;
  for (const auto& [path, entry] : entries) {
    bool hit = entry.contains_needle || path.find(needle) != std::string::npos ||
               entry.link_target.find(needle) != std::string::npos;
    for (const auto& [name, value] : entry.xattrs) {
      hit = hit || value.find(needle) != std::string::npos;
    }
    if (hit) out.push_back(path);
  }
  return out;
}

Manifest take_manifest(const std::string& root, const ManifestOptions& options) {
  Manifest manifest;
  Walker(manifest, options.needle).walk_root(root, options.include_root);
  return manifest;
}

std::vector<std::string> diff_manifests(const Manifest& expected, const Manifest& actual,
                                        const DiffOptions& options) {
  std::vector<std::string> out;
  for (const auto& [path, entry] : expected.entries) {
    const ManifestEntry* other = actual.find(path);
    if (other == nullptr) {
      out.push_back(printable_path(path) + ": missing (" + entry_type_name(entry.type) + ")");
      continue;
    }
    compare_entries(entry, *other, options, out);
  }
  for (const auto& [path, entry] : actual.entries) {
    if (!expected.contains(path)) {
      out.push_back(printable_path(path) + ": unexpected (" + entry_type_name(entry.type) + ")");
    }
  }
  return out;
}

std::string diff_text(const std::vector<std::string>& diffs) {
  std::string out;
  for (const std::string& d : diffs) out += d + "\n";
  return out;
}

std::string printable_path(const std::string& path) {
  // Deep paths are long: keep messages readable by eliding the middle.
  const std::string& p = path;
  std::string out = "\"";
  for (size_t i = 0; i < p.size(); ++i) {
    if (p.size() > 400 && i == 150) {
      out += "...<" + std::to_string(p.size() - 300) + " bytes>...";
      i = p.size() - 150;
    }
    auto c = static_cast<unsigned char>(p[i]);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace lifeboat::testing

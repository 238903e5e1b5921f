#include "support/copy_fixture.h"

#include "support/manifest.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace lifeboat::testing {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
  throw std::runtime_error(what + " '" + path + "': " + std::strerror(err));
}

timespec to_timespec(std::int64_t ns) {
  return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

// Removes everything below the open directory `dir_fd` (which it closes), at any depth: one
// descriptor at a time, going down into the first subdirectory left and back up through
// "..". Test trees hold still, so the walk need not guard against moves.
void remove_contents(int dir_fd, const std::string& where) {
  std::vector<std::string> names;  // the directories entered below `where`
  int fd = dir_fd;
  for (;;) {
    std::string subdir;
    for (const std::string& name : list_directory(fd, where)) {
      struct stat st {};
      if (fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (S_ISDIR(st.st_mode)) {
        if (subdir.empty()) subdir = name;
      } else if (unlinkat(fd, name.c_str(), 0) != 0) {
        fail("unlink", where + "/.../" + name, errno);
      }
    }
    if (!subdir.empty()) {
      fchmodat(fd, subdir.c_str(), 0700, 0);
      int child = openat(fd, subdir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) fail("open", where + "/.../" + subdir, errno);
      close(fd);
      fd = child;
      names.push_back(subdir);
      continue;
    }
    if (names.empty()) break;
    int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (parent < 0) fail("open .. of", where + "/.../" + names.back(), errno);
    close(fd);
    fd = parent;
    if (unlinkat(fd, names.back().c_str(), AT_REMOVEDIR) != 0) {
      fail("rmdir", where + "/.../" + names.back(), errno);
    }
    names.pop_back();
  }
  close(fd);
}

}  // namespace

std::int64_t CopyRun::field(const std::string& name) const {
  if (!report.is_object() || !report.contains(name)) return -1;
  const core::Json& v = report.at(name);
  return v.is_number_integer() ? v.get<std::int64_t>() : -1;
}

std::string CopyRun::status() const {
  if (!report.is_object() || !report.contains("status") || !report.at("status").is_string()) {
    return "";
  }
  return report.at("status").get<std::string>();
}

std::string CopyRun::describe() const {
  return "exit " + std::to_string(process.exit_code) + "\n--- stdout\n" +
         process.out.substr(0, 4000) + "\n--- stderr\n" + process.err.substr(0, 4000) +
         "\n--- report\n" + report_text.substr(0, 4000);
}

CopyRun run_copy(const std::string& src, const std::string& dst,
                 const std::vector<std::string>& options, int timeout_seconds,
                 const std::vector<std::string>& run_as) {
  // LIFEBOAT_COPY_BIN runs these tests against another build (or another tool behind a
  // wrapper script), e.g. to check the tests themselves.
  const char* override_bin = std::getenv("LIFEBOAT_COPY_BIN");
  const std::string bin = override_bin != nullptr ? override_bin : lifeboat_bin();
  TempDir report_dir;
  const std::string report_path = report_dir / "report.json";
  std::vector<std::string> argv{"timeout", "-k",       "10",       std::to_string(timeout_seconds),
                                bin,       "--output", "json",     "copy",
                                src,       dst,        "--report", report_path};
  argv.insert(argv.end(), options.begin(), options.end());
  if (!run_as.empty()) {
    argv.insert(argv.begin(), run_as.begin(), run_as.end());
    if (chmod(report_dir.path().c_str(), 0777) != 0) fail("chmod", report_dir.path(), errno);
  }
  CopyRun run;
  run.process = run_process(argv);
  if (exists_nofollow(report_path)) {
    run.report_text = read_file(report_path);
    auto parsed = core::parse_json(run.report_text, "copy report");
    if (parsed.is_ok()) run.report = parsed.value();
  }
  return run;
}

void write_file(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  if (!out) fail("write", path, errno);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("read", path, errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void set_times(const std::string& path, std::int64_t atime_ns, std::int64_t mtime_ns) {
  timespec times[2] = {to_timespec(atime_ns), to_timespec(mtime_ns)};
  if (utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    fail("utimensat", path, errno);
  }
}

std::int64_t mtime_ns_of(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) fail("lstat", path, errno);
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

void set_owner(const std::string& path, unsigned uid, unsigned gid) {
  if (lchown(path.c_str(), uid, gid) != 0) fail("lchown", path, errno);
}

std::string pseudo_random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t v = gen();
    std::memcpy(out.data() + i, &v, std::min<std::size_t>(8, size - i));
  }
  return out;
}

std::string unique_token(const std::string& prefix) {
  std::random_device rd;
  std::ostringstream ss;
  ss << prefix << "-" << std::hex << rd() << rd() << rd() << "-" << getpid();
  return ss.str();
}

void make_deep_chain(const std::string& root, const std::string& name, int levels,
                     const std::string& leaf_name, const std::string& leaf_contents) {
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open", root, errno);
  for (int i = 0; i < levels; ++i) {
    if (mkdirat(fd, name.c_str(), 0755) != 0)
      fail("mkdirat (level " + std::to_string(i) + ")", root, errno);
    int child = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(fd);
    if (child < 0) fail("openat (level " + std::to_string(i) + ")", root, errno);
    fd = child;
  }
  int file = openat(fd, leaf_name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  close(fd);
  if (file < 0) fail("create leaf under", root, errno);
  ssize_t n = write(file, leaf_contents.data(), leaf_contents.size());
  close(file);
  if (n != static_cast<ssize_t>(leaf_contents.size())) fail("write leaf under", root, errno);
}

void remove_tree(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return;
  if (!S_ISDIR(st.st_mode)) {
    unlink(path.c_str());
    return;
  }
  chmod(path.c_str(), 0700);
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail("open", path, errno);
  remove_contents(fd, path);
  if (rmdir(path.c_str()) != 0) fail("rmdir", path, errno);
}

bool exists_nofollow(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0;
}

}  // namespace lifeboat::testing

// What `lifeboat copy` does on a second run and with its options, seen from outside: re-runs
// transfer nothing, --delete removes exactly the extras, --overwrite protects what a user
// already wrote, patterns, --dry-run, --verify, the --report JSON, exit codes, a full disk, and
// a copy killed half way.
#include <gtest/gtest.h>

#include <sys/acl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "support/copy_fixture.h"
#include "support/manifest.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kHour = 3600 * kSecond;
constexpr std::int64_t kBaseTime = 1'700'000'000 * kSecond + 987'654'321;

void make_dir(const std::string& path) { std::filesystem::create_directories(path); }

ino_t inode_of(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) throw std::runtime_error("lstat " + path);
  return st.st_ino;
}

// A directory's metadata as a user set it: owner, mode, an extended ACL, an xattr, times.
void dress_dir(const std::string& path, unsigned id, mode_t mode, const std::string& xattr,
               std::int64_t time_ns) {
  set_owner(path, id, id);
  if (chmod(path.c_str(), mode) != 0) throw std::runtime_error("chmod " + path);
  acl_t acl = acl_from_text("u::rwx,u:3003:r-x,g::--x,m::r-x,o::---");
  int rc = acl == nullptr ? -1 : acl_set_file(path.c_str(), ACL_TYPE_ACCESS, acl);
  if (acl != nullptr) acl_free(acl);
  if (rc != 0) throw std::runtime_error("acl_set_file " + path);
  if (setxattr(path.c_str(), xattr.c_str(), "set", 3, 0) != 0) {
    throw std::runtime_error("setxattr " + path);
  }
  set_times(path, time_ns, time_ns);
}

class CopyBehaviourTest : public ::testing::Test {
 protected:
  // A small home: notebooks, data, nested dirs, a symlink, a hard link, a sparse file. Returns
  // the number of distinct regular files.
  int make_home(const std::string& root) {
    int files = 0;
    make_dir(root + "/notebooks/old");
    make_dir(root + "/data/raw");
    make_dir(root + "/cache/pip");
    make_dir(root + "/src/cache");
    for (int i = 0; i < 10; ++i) {
      write_file(root + "/notebooks/nb" + std::to_string(i) + ".ipynb",
                 "{\"cells\": [" + std::to_string(i) + "]}");
      write_file(root + "/notebooks/old/nb" + std::to_string(i) + ".ipynb", "old");
      write_file(root + "/data/raw/part" + std::to_string(i) + ".csv",
                 pseudo_random_bytes(1000 + 10 * i, i));
      files += 3;
    }
    write_file(root + "/cache/pip/wheel.whl", pseudo_random_bytes(5000, 99));
    write_file(root + "/src/cache/keep.py", "print('kept')\n");
    write_file(root + "/src/main.py", "print('hi')\n");
    write_file(root + "/scratch.tmp", "tmp\n");
    write_file(root + "/run.log", "log\n");
    write_file(root + "/user1.txt", "i don't want to lose access to this file\n");
    files += 6;
    std::filesystem::create_symlink("notebooks/nb0.ipynb", root + "/latest");
    std::filesystem::create_hard_link(root + "/notebooks/nb0.ipynb", root + "/nb0-hardlink.ipynb");
    write_file(root + "/data/sparse.bin", "start");
    std::filesystem::resize_file(root + "/data/sparse.bin", 16 * 1024 * 1024);
    files += 1;  // the sparse file; the hard link is a second name, not a second file
    set_times(root + "/user1.txt", kBaseTime, kBaseTime);
    return files;
  }

  CopyRun copy(const std::vector<std::string>& options = {}) {
    return run_copy(src_, dst_, options);
  }

  TempDir tmp_;
  std::string src_ = tmp_ / "src";
  std::string dst_ = tmp_ / "dst";
};

TEST_F(CopyBehaviourTest, RerunOnAnUnchangedTreeTransfersNothing) {
  const int files = make_home(src_);
  CopyRun first = copy();
  ASSERT_EQ(first.process.exit_code, 0) << first.describe();
  EXPECT_GE(first.field("files_transferred"), files) << first.describe();
  const ino_t inode = inode_of(dst_ + "/user1.txt");
  const Manifest before = take_manifest(dst_);

  CopyRun second = copy();
  ASSERT_EQ(second.process.exit_code, 0) << second.describe();
  EXPECT_EQ(second.status(), "SUCCESS") << second.describe();
  EXPECT_EQ(second.field("files_transferred"), 0) << second.describe();
  EXPECT_EQ(second.field("bytes_written"), 0) << second.describe();
  EXPECT_EQ(inode_of(dst_ + "/user1.txt"), inode) << "an unchanged file was rewritten";
  auto diffs = diff_manifests(before, take_manifest(dst_), DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
}

TEST_F(CopyBehaviourTest, RerunTransfersExactlyTheChangedFile) {
  make_home(src_);
  ASSERT_EQ(copy().process.exit_code, 0);
  // Same size, new contents and mtime: "changed" compares type, size and mtime.
  write_file(src_ + "/user1.txt", "I DON'T WANT TO LOSE ACCESS TO THIS FILE\n");
  set_times(src_ + "/user1.txt", kBaseTime + kHour, kBaseTime + kHour);
  CopyRun run = copy();
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(run.field("files_transferred"), 1) << run.describe();
  EXPECT_EQ(read_file(dst_ + "/user1.txt"), "I DON'T WANT TO LOSE ACCESS TO THIS FILE\n");
  auto diffs =
      diff_manifests(take_manifest(src_), take_manifest(dst_), DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
}

// A copy interrupted between the names of a hard link leaves one name at the target; the next
// run must link the missing name to it, whichever name survived.
TEST_F(CopyBehaviourTest, RerunRelinksAHardLinkWhoseOtherNameIsMissing) {
  make_dir(src_ + "/sub");
  write_file(src_ + "/a", "linked\n");
  std::filesystem::create_hard_link(src_ + "/a", src_ + "/sub/b");
  for (const char* missing : {"sub/b", "a"}) {
    remove_tree(dst_);
    ASSERT_EQ(copy().process.exit_code, 0);
    ASSERT_EQ(inode_of(dst_ + "/a"), inode_of(dst_ + "/sub/b"));
    ASSERT_EQ(unlink((dst_ + "/" + missing).c_str()), 0);
    CopyRun run = copy();
    ASSERT_EQ(run.process.exit_code, 0) << run.describe();
    EXPECT_EQ(inode_of(dst_ + "/a"), inode_of(dst_ + "/sub/b"))
        << "after '" << missing << "' was missing, the rerun copied it instead of linking it\n"
        << run.describe();
  }
}

TEST_F(CopyBehaviourTest, TransferModeAllRewritesEveryFile) {
  const int files = make_home(src_);
  CopyRun first = copy();
  ASSERT_EQ(first.process.exit_code, 0) << first.describe();
  CopyRun all = copy({"--transfer-mode", "all"});
  ASSERT_EQ(all.process.exit_code, 0) << all.describe();
  EXPECT_GE(all.field("files_transferred"), files) << all.describe();
  EXPECT_EQ(all.field("files_transferred"), first.field("files_transferred")) << all.describe();
  auto diffs =
      diff_manifests(take_manifest(src_), take_manifest(dst_), DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
}

// Extras in the target: a file, a directory with contents, a symlink, a nested file, and an
// extra that an --exclude pattern matches (excluded entries are neither copied nor deleted).
void add_target_extras(const std::string& dst) {
  make_dir(dst + "/notebooks");
  write_file(dst + "/extra.txt", "extra\n");
  make_dir(dst + "/extra_dir/sub");
  write_file(dst + "/extra_dir/sub/x", "x\n");
  std::filesystem::create_symlink("nowhere", dst + "/extra_link");
  write_file(dst + "/notebooks/extra.ipynb", "{}");
  write_file(dst + "/protected.bak", "excluded, so kept\n");
}

TEST_F(CopyBehaviourTest, DeleteRemovesExactlyTheExtraEntriesButNotExcludedOnes) {
  make_home(src_);
  ASSERT_EQ(copy().process.exit_code, 0);
  add_target_extras(dst_);
  CopyRun run = copy({"--delete", "--exclude", "*.bak"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_GE(run.field("files_deleted"), 4) << run.describe();
  Manifest expected = take_manifest(src_);
  Manifest target = take_manifest(dst_);
  ASSERT_TRUE(target.contains("protected.bak")) << "--delete removed an excluded entry";
  target.entries.erase("protected.bak");
  auto diffs = diff_manifests(expected, target, DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
}

TEST_F(CopyBehaviourTest, WithoutDeleteExtrasAreKept) {
  make_home(src_);
  ASSERT_EQ(copy().process.exit_code, 0);
  add_target_extras(dst_);
  CopyRun run = copy();
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(run.field("files_deleted"), 0) << run.describe();
  for (const char* rel : {"extra.txt", "extra_dir/sub/x", "extra_link", "notebooks/extra.ipynb"}) {
    EXPECT_TRUE(exists_nofollow(dst_ + "/" + rel)) << rel;
  }
}

TEST_F(CopyBehaviourTest, OverwriteOlderKeepsNewerTargetFilesAndReplacesOlderOnes) {
  make_dir(src_);
  make_dir(dst_);
  for (const char* name : {"newer_in_target", "older_in_target", "missing_in_target"}) {
    write_file(src_ + "/" + name, std::string("from the old home: ") + name);
    set_times(src_ + "/" + name, kBaseTime, kBaseTime);
  }
  write_file(dst_ + "/newer_in_target", "the user wrote this in the new home");
  set_times(dst_ + "/newer_in_target", kBaseTime + kHour, kBaseTime + kHour);
  write_file(dst_ + "/older_in_target", "stale");
  set_times(dst_ + "/older_in_target", kBaseTime - kHour, kBaseTime - kHour);

  CopyRun run = copy({"--overwrite", "older"});
  ASSERT_TRUE(run.process.exit_code == 0) << run.describe();
  EXPECT_EQ(read_file(dst_ + "/newer_in_target"), "the user wrote this in the new home");
  EXPECT_EQ(mtime_ns_of(dst_ + "/newer_in_target"), kBaseTime + kHour);
  EXPECT_EQ(read_file(dst_ + "/older_in_target"), "from the old home: older_in_target");
  EXPECT_EQ(mtime_ns_of(dst_ + "/older_in_target"), kBaseTime);
  EXPECT_EQ(read_file(dst_ + "/missing_in_target"), "from the old home: missing_in_target");
}

TEST_F(CopyBehaviourTest, OverwriteNeverKeepsEveryExistingTargetFile) {
  make_dir(src_);
  make_dir(dst_);
  write_file(src_ + "/exists", "source version");
  write_file(src_ + "/new", "source only");
  write_file(dst_ + "/exists", "target version, older");
  set_times(dst_ + "/exists", kBaseTime - kHour, kBaseTime - kHour);
  CopyRun run = copy({"--overwrite", "never"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(read_file(dst_ + "/exists"), "target version, older");
  EXPECT_EQ(read_file(dst_ + "/new"), "source only");
  // The default, always, replaces it.
  run = copy();
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(read_file(dst_ + "/exists"), "source version");
}

// --overwrite never|older keep what the target has: its directories are merged into, but their
// owner, mode, ACL, xattrs and times stay the target's own — even when older than the source's.
TEST_F(CopyBehaviourTest, OverwriteNeverAndOlderLeaveExistingDirectoriesAsTheyAre) {
  for (const std::string mode : {"never", "older"}) {
    SCOPED_TRACE("--overwrite " + mode);
    remove_tree(src_);
    remove_tree(dst_);
    make_dir(src_ + "/shared/same");
    write_file(src_ + "/shared/kept.txt", "source version\n");
    write_file(src_ + "/shared/new.txt", "only in the source\n");
    write_file(src_ + "/shared/same/a.txt", "a\n");
    set_times(src_ + "/shared/kept.txt", kBaseTime, kBaseTime);
    set_times(src_ + "/shared/same/a.txt", kBaseTime, kBaseTime);
    for (const std::string& dir : {src_ + "/shared/same", src_ + "/shared", src_}) {
      dress_dir(dir, 1001, 0755, "user.from_source", kBaseTime + kHour);
    }
    make_dir(dst_ + "/shared/same");
    write_file(dst_ + "/shared/kept.txt", "target version\n");
    set_times(dst_ + "/shared/kept.txt", kBaseTime + 2 * kHour, kBaseTime + 2 * kHour);
    write_file(dst_ + "/shared/same/a.txt", "a\n");
    set_times(dst_ + "/shared/same/a.txt", kBaseTime, kBaseTime);
    // Older than the source's directories: --overwrite older would replace them as files.
    for (const std::string& dir : {dst_ + "/shared/same", dst_ + "/shared", dst_}) {
      dress_dir(dir, 2002, 0710, "user.target_own", kBaseTime - kHour);
    }
    const Manifest before = take_manifest(dst_, {.include_root = true});

    CopyRun run = copy({"--overwrite", mode});
    ASSERT_EQ(run.process.exit_code, 0) << run.describe();
    EXPECT_EQ(read_file(dst_ + "/shared/new.txt"), "only in the source\n");
    EXPECT_EQ(read_file(dst_ + "/shared/kept.txt"), "target version\n");
    const Manifest after = take_manifest(dst_, {.include_root = true});
    for (const char* path : {".", "shared", "shared/same"}) {
      SCOPED_TRACE(path);
      const ManifestEntry& was = before.at(path);
      const ManifestEntry& now = after.at(path);
      EXPECT_EQ(now.uid, was.uid);
      EXPECT_EQ(now.gid, was.gid);
      EXPECT_EQ(now.mode, was.mode);
      EXPECT_EQ(now.acl_access, was.acl_access);
      EXPECT_EQ(now.xattrs, was.xattrs);
      // "shared" got new.txt, which moves its mtime; the others got nothing new.
      if (std::string(path) == "shared") {
        EXPECT_NE(now.mtime_ns, kBaseTime + kHour) << "the source's mtime was put on it";
      } else {
        EXPECT_EQ(now.mtime_ns, was.mtime_ns);
      }
    }
  }
}

TEST_F(CopyBehaviourTest, ExcludePatternsIncludingPipeJoinedOnes) {
  make_home(src_);
  CopyRun run = copy({"--exclude", "*.tmp|*.log", "--exclude", "/cache"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_FALSE(exists_nofollow(dst_ + "/scratch.tmp"));
  EXPECT_FALSE(exists_nofollow(dst_ + "/run.log"));
  EXPECT_FALSE(exists_nofollow(dst_ + "/cache")) << "/cache names the top-level directory";
  EXPECT_TRUE(exists_nofollow(dst_ + "/src/cache/keep.py")) << "/cache is anchored at the root";
  EXPECT_TRUE(exists_nofollow(dst_ + "/user1.txt"));
  EXPECT_TRUE(exists_nofollow(dst_ + "/notebooks/old/nb3.ipynb"));
}

TEST_F(CopyBehaviourTest, IncludePatternsCopyOnlyWhatTheyName) {
  make_home(src_);
  CopyRun run = copy({"--include", "/notebooks|/user1.txt"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_TRUE(exists_nofollow(dst_ + "/notebooks/old/nb3.ipynb")) << run.describe();
  EXPECT_TRUE(exists_nofollow(dst_ + "/user1.txt"));
  EXPECT_FALSE(exists_nofollow(dst_ + "/data/raw/part0.csv"));
  EXPECT_FALSE(exists_nofollow(dst_ + "/run.log"));
  // An exclude still applies inside what an include names.
  remove_tree(dst_);
  run = copy({"--include", "/notebooks", "--exclude", "/notebooks/old"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_TRUE(exists_nofollow(dst_ + "/notebooks/nb3.ipynb"));
  EXPECT_FALSE(exists_nofollow(dst_ + "/notebooks/old"));
}

TEST_F(CopyBehaviourTest, DryRunChangesNothingButReports) {
  const int files = make_home(src_);
  CopyRun run = copy({"--dry-run"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_FALSE(exists_nofollow(dst_)) << "a dry run created the target";
  EXPECT_EQ(run.status(), "SUCCESS") << run.describe();
  EXPECT_GE(run.field("estimated_files_to_transfer"), files) << run.describe();
  EXPECT_GT(run.field("estimated_bytes_to_transfer"), 0) << run.describe();
  EXPECT_EQ(run.field("bytes_written"), 0) << run.describe();

  make_dir(dst_);
  add_target_extras(dst_);
  write_file(dst_ + "/user1.txt", "different");
  const Manifest before = take_manifest(dst_);
  run = copy({"--dry-run", "--delete", "--transfer-mode", "all"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  auto diffs = diff_manifests(before, take_manifest(dst_), DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << "a dry run changed the target:\n" << diff_text(diffs);
}

TEST_F(CopyBehaviourTest, VerifyModesCountVerifiedFiles) {
  const int files = make_home(src_);
  CopyRun run = copy();  // default: verify what was transferred
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_GE(run.field("files_verified"), files) << run.describe();

  run = copy({"--verify", "all"});  // nothing transferred, whole trees compared
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(run.field("files_transferred"), 0) << run.describe();
  EXPECT_GE(run.field("files_verified"), files) << run.describe();

  remove_tree(dst_);
  run = copy({"--verify", "none"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(run.field("files_verified"), 0) << run.describe();
}

TEST_F(CopyBehaviourTest, ReportFileAndJsonOutputCarryEveryField) {
  make_home(src_);
  CopyRun run = copy();
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  ASSERT_TRUE(run.report.is_object()) << "--report is not a JSON object\n" << run.describe();
  for (const char* name :
       {"estimated_files_to_transfer", "estimated_bytes_to_transfer", "files_transferred",
        "bytes_transferred", "bytes_written", "files_skipped", "files_deleted", "files_verified",
        "files_failed", "prepare_duration_ms", "transfer_duration_ms", "verify_duration_ms",
        "total_duration_ms"}) {
    ASSERT_TRUE(run.report.contains(name)) << name << " missing\n" << run.report_text;
    EXPECT_TRUE(run.report.at(name).is_number_integer()) << name << "\n" << run.report_text;
    EXPECT_GE(run.field(name), 0) << name;
  }
  EXPECT_EQ(run.status(), "SUCCESS");
  ASSERT_TRUE(run.report.contains("errors"));
  EXPECT_TRUE(run.report.at("errors").is_array());
  EXPECT_TRUE(run.report.at("errors").empty());
  EXPECT_GT(run.field("bytes_transferred"), 0);
  EXPECT_EQ(run.field("bytes_written"), run.field("bytes_transferred"));
  // With --output json (no terminal) stdout is the same report.
  auto printed = core::parse_json(run.process.out, "stdout");
  ASSERT_TRUE(printed.is_ok()) << printed.status().to_string() << "\n" << run.process.out;
  EXPECT_EQ(printed->value("status", ""), "SUCCESS");
  EXPECT_EQ(printed->value("files_transferred", -1), run.field("files_transferred"));
}

TEST_F(CopyBehaviourTest, NoProgressOnAPipeUnlessAsked) {
  make_home(src_);
  CopyRun run = copy();
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_TRUE(run.process.err.empty()) << "stderr on a pipe without --progress:\n"
                                       << run.process.err;
  remove_tree(dst_);
  run = copy({"--progress"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_FALSE(run.process.err.empty()) << "--progress printed nothing on stderr";
}

TEST_F(CopyBehaviourTest, OtherOptionsStillCopyEverything) {
  make_home(src_);
  const Manifest source = take_manifest(src_);
  CopyRun run = copy({"--parallel", "1", "--fsync", "--bwlimit", "100000000"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  auto diffs = diff_manifests(source, take_manifest(dst_), DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
}

TEST_F(CopyBehaviourTest, BadUsageExitsTwoAndSaysWhy) {
  make_home(src_);
  for (const auto& options : {std::vector<std::string>{"--overwrite", "sometimes"},
                              std::vector<std::string>{"--transfer-mode", "some"},
                              std::vector<std::string>{"--owner", "map:alice"},
                              std::vector<std::string>{"--group", "map:1=x"},
                              std::vector<std::string>{"--verify", "maybe"},
                              std::vector<std::string>{"--perms", "some"}}) {
    CopyRun run = copy(options);
    EXPECT_EQ(run.process.exit_code, 2) << options[0] << " " << options[1] << "\n"
                                        << run.describe();
    EXPECT_FALSE(run.process.err.empty()) << options[0];
    EXPECT_FALSE(exists_nofollow(dst_)) << options[0] << " " << options[1] << " copied anyway";
  }
  CopyRun run = run_copy(tmp_ / "no-such-dir", dst_);
  EXPECT_NE(run.process.exit_code, 0) << run.describe();
  EXPECT_NE(run.process.err.find("no-such-dir"), std::string::npos)
      << "the error names the missing source\n"
      << run.describe();
}

// One unreadable file or directory is reported and the rest goes on: exit 1, status PARTIAL.
// Root reads everything, so this copy runs as nobody over a tree with root-only entries.
TEST_F(CopyBehaviourTest, UnreadableEntriesAreReportedAndTheRestIsCopied) {
  make_home(src_);
  write_file(src_ + "/private.key", "root only\n");
  ASSERT_EQ(chmod((src_ + "/private.key").c_str(), 0600), 0);
  make_dir(src_ + "/closed");
  write_file(src_ + "/closed/inside.txt", "root only\n");
  ASSERT_EQ(chmod((src_ + "/closed").c_str(), 0700), 0);
  ASSERT_EQ(chmod(tmp_.path().c_str(), 0755), 0);
  make_dir(dst_);
  set_owner(dst_, 65534, 65534);
  CopyRun run = run_copy(src_, dst_, {"--owner", "none", "--group", "none"}, 120,
                         {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
  EXPECT_EQ(run.process.exit_code, 1) << run.describe();
  EXPECT_EQ(run.status(), "PARTIAL") << run.describe();
  EXPECT_EQ(run.field("files_failed"), 2) << run.describe();
  ASSERT_TRUE(run.report.contains("errors") && run.report.at("errors").is_array())
      << run.describe();
  std::vector<std::string> failed;
  for (const auto& error : run.report.at("errors")) {
    failed.push_back(error.value("path", ""));
    EXPECT_FALSE(error.value("reason", "").empty()) << error.dump();
  }
  std::sort(failed.begin(), failed.end());
  EXPECT_EQ(failed, (std::vector<std::string>{"closed", "private.key"})) << run.describe();
  EXPECT_FALSE(exists_nofollow(dst_ + "/private.key")) << "a failed file left under its name";
  EXPECT_FALSE(exists_nofollow(dst_ + "/closed/inside.txt"));
  EXPECT_EQ(read_file(dst_ + "/user1.txt"), "i don't want to lose access to this file\n");
  EXPECT_TRUE(exists_nofollow(dst_ + "/notebooks/old/nb9.ipynb"));
}

// A copy killed in the middle of a file leaves no partial file under its final name, and the
// next run cleans up what the killed one left and finishes the tree.
TEST_F(CopyBehaviourTest, KilledCopyLeavesNoPartialFileAndTheNextRunCleansUp) {
  make_home(src_);
  const std::string big = pseudo_random_bytes(24 * 1024 * 1024, 42);
  write_file(src_ + "/big.bin", big);
  // Unnamed files (this machine's file system) and temporary names (as on EFS/NFS).
  for (const char* names : {"", "--temp-names"}) {
    SCOPED_TRACE(*names != '\0' ? names : "unnamed files");
    remove_tree(dst_);
    // --bwlimit makes the big file take ~12 s, so the kill lands inside it.
    std::vector<std::string> argv = {"timeout",      "-s",      "KILL",       "2",
                                     lifeboat_bin(), "copy",    src_,         dst_,
                                     "--bwlimit",    "2000000", "--parallel", "1"};
    if (*names != '\0') argv.emplace_back(names);
    ProcessResult killed = run_process(argv);
    ASSERT_EQ(killed.exit_code, 128 + 9)
        << "the copy was meant to be killed mid-way: " << killed.err;
    if (exists_nofollow(dst_ + "/big.bin")) {
      EXPECT_EQ(read_file(dst_ + "/big.bin").size(), big.size()) << "partial file under its name";
    }
    CopyRun run = copy();
    ASSERT_EQ(run.process.exit_code, 0) << run.describe();
    auto diffs =
        diff_manifests(take_manifest(src_), take_manifest(dst_), DiffOptions::without_atime());
    EXPECT_TRUE(diffs.empty()) << "leftovers of the killed copy:\n" << diff_text(diffs);
  }
}

// ENOSPC on the target stops the whole copy: exit 4, status ERROR, a message that says the disk
// is full, and no partial file under its final name. A real full disk: a 1 MiB tmpfs.
class CopyFullDiskTest : public CopyBehaviourTest {
 protected:
  void SetUp() override {
    make_dir(mount_point_);
    if (mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=1m") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno)
                   << "): needs root and CAP_SYS_ADMIN";
    }
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) umount2(mount_point_.c_str(), MNT_DETACH);
  }
  std::string mount_point_ = tmp_ / "small";
  bool mounted_ = false;
};

TEST_F(CopyFullDiskTest, FullTargetStopsTheCopyWithExitFour) {
  make_dir(src_);
  write_file(src_ + "/small.txt", "fits\n");
  write_file(src_ + "/huge.bin", pseudo_random_bytes(3 * 1024 * 1024, 5));
  make_dir(src_ + "/more");
  for (int i = 0; i < 20; ++i) {
    write_file(src_ + "/more/f" + std::to_string(i), pseudo_random_bytes(100 * 1024, i));
  }
  CopyRun run = run_copy(src_, mount_point_ + "/dst", {}, 120);
  EXPECT_EQ(run.process.exit_code, 4) << run.describe();
  EXPECT_EQ(run.status(), "ERROR") << run.describe();
  std::string said = run.process.err + run.process.out;
  for (char& c : said) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(said.find("no space") != std::string::npos ||
              said.find("disk full") != std::string::npos ||
              said.find("disk is full") != std::string::npos)
      << "the message does not say the disk is full\n"
      << run.describe();
  EXPECT_FALSE(exists_nofollow(mount_point_ + "/dst/huge.bin")) << "partial file left";
  for (int i = 0; i < 20; ++i) {
    const std::string path = mount_point_ + "/dst/more/f" + std::to_string(i);
    if (exists_nofollow(path)) {
      EXPECT_EQ(read_file(path).size(), 100u * 1024) << path;
    }
  }
}

}  // namespace
}  // namespace lifeboat::testing

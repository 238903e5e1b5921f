// `lifeboat copy` runs as root over trees that users control: it must never read or write
// outside its two roots, whatever the trees hold (symlinks out, loops, a target pre-seeded with
// symlinks) and however they change while it runs (entries swapped for symlinks, fifos and
// renamed directories: rsync's CVE-2024-12087/12088/12747 family).
//
// "Outside" is a directory beside the roots holding sentinel files and a secret: after every
// copy its manifest (contents, mtimes, and the secret's atime, which a read would move) is
// unchanged, nothing new appeared in it, and the secret's bytes appear nowhere in the target.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "support/copy_fixture.h"
#include "support/manifest.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
// Long ago, so that any read (even under relatime) moves the secret's atime.
constexpr std::int64_t kOldTime = 1'000'000'000 * kSecond + 5;

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("fixture: " + what + ": " + std::strerror(errno));
}

void make_dir(const std::string& path) { check(mkdir(path.c_str(), 0755) == 0, "mkdir " + path); }

void symlink_to(const std::string& target, const std::string& path) {
  check(symlink(target.c_str(), path.c_str()) == 0, "symlink " + path);
}

class CopyAdversarialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_dir(outside_);
    make_dir(outside_ + "/victim_dir");
    write_file(outside_ + "/sentinel.txt", "sentinel: must keep this content\n");
    write_file(outside_ + "/victim_dir/file.txt", "sentinel in a directory\n");
    write_file(outside_ + "/secret.txt", secret_ + "\n");
    set_times(outside_ + "/sentinel.txt", kOldTime, kOldTime + kSecond);
    set_times(outside_ + "/victim_dir/file.txt", kOldTime, kOldTime + 2 * kSecond);
    set_times(outside_ + "/secret.txt", kOldTime, kOldTime + 3 * kSecond);
    set_times(outside_ + "/victim_dir", kOldTime, kOldTime + 4 * kSecond);
    outside_before_ = take_manifest(outside_, {.include_root = true});
  }

  void TearDown() override {
    remove_tree(src_);
    remove_tree(dst_);
  }

  // Nothing outside the roots was written or read, and the secret never reached the target.
  void expect_outside_untouched(const std::string& context) {
    auto diffs = diff_manifests(outside_before_, take_manifest(outside_, {.include_root = true}));
    EXPECT_TRUE(diffs.empty()) << context << ": outside the roots changed:\n" << diff_text(diffs);
    if (exists_nofollow(dst_)) {
      ManifestOptions search;
      search.needle = secret_;
      auto leaks = take_manifest(dst_, search).paths_mentioning(secret_);
      EXPECT_TRUE(leaks.empty()) << context << ": the secret was copied into the target at "
                                 << printable_path(leaks.empty() ? "" : leaks.front());
    }
  }

  TempDir tmp_;
  std::string src_ = tmp_ / "src";
  std::string dst_ = tmp_ / "dst";
  std::string outside_ = tmp_ / "outside";
  std::string secret_ = unique_token("LIFEBOAT-SECRET");
  Manifest outside_before_;
};

TEST_F(CopyAdversarialTest, SymlinksOutOfTheRootAreCopiedAsLinksNeverFollowed) {
  make_dir(src_);
  make_dir(src_ + "/d");
  write_file(src_ + "/d/own.txt", "mine\n");
  symlink_to("/etc/passwd", src_ + "/passwd");
  symlink_to("..", src_ + "/up");
  symlink_to("../..", src_ + "/d/upup");
  symlink_to("../outside", src_ + "/out_rel");
  symlink_to(outside_, src_ + "/out_abs");
  symlink_to(outside_ + "/secret.txt", src_ + "/secret_abs");
  symlink_to("../../outside/secret.txt", src_ + "/d/secret_rel");
  symlink_to("loop_b", src_ + "/loop_a");
  symlink_to("loop_a", src_ + "/loop_b");
  symlink_to("self", src_ + "/self");
  symlink_to("d/../d/../up/outside", src_ + "/winding");
  const Manifest source = take_manifest(src_);

  CopyRun run = run_copy(src_, dst_, {}, 60);
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  auto diffs = diff_manifests(source, take_manifest(dst_), DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
  expect_outside_untouched("copy");
  ManifestOptions search;
  search.needle = "root:x:0:0:";
  EXPECT_TRUE(take_manifest(dst_, search).paths_mentioning("root:x:0:0:").empty())
      << "/etc/passwd was read into the target";

  // With every verification and a re-run on top, still nothing is followed.
  run = run_copy(src_, dst_, {"--verify", "all", "--transfer-mode", "all", "--delete"}, 60);
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  expect_outside_untouched("second copy");
}

TEST_F(CopyAdversarialTest, SymlinksPreSeededInTheTargetAreReplacedNotWrittenThrough) {
  make_dir(src_);
  make_dir(src_ + "/dir");
  write_file(src_ + "/dir/file.txt", "into dir\n");
  make_dir(src_ + "/victim_dir");
  write_file(src_ + "/victim_dir/file.txt", "overwrite attempt\n");
  write_file(src_ + "/sentinel.txt", "overwrite attempt\n");
  write_file(src_ + "/secret.txt", "overwrite attempt\n");
  make_dir(src_ + "/real");
  make_dir(src_ + "/real/inner");
  write_file(src_ + "/real/inner/new.txt", "new\n");
  const Manifest source = take_manifest(src_);

  // The target's owner planted links where the copy's directories and files will go.
  make_dir(dst_);
  symlink_to(outside_, dst_ + "/dir");
  symlink_to(outside_ + "/victim_dir", dst_ + "/victim_dir");
  symlink_to(outside_ + "/sentinel.txt", dst_ + "/sentinel.txt");
  symlink_to("../outside/secret.txt", dst_ + "/secret.txt");
  make_dir(dst_ + "/real");
  symlink_to("../../outside", dst_ + "/real/inner");

  CopyRun run = run_copy(src_, dst_, {}, 60);
  EXPECT_EQ(run.process.exit_code, 0) << run.describe();
  expect_outside_untouched("copy over planted links");
  auto diffs = diff_manifests(source, take_manifest(dst_), DiffOptions::without_atime());
  EXPECT_TRUE(diffs.empty()) << "planted links not replaced by the source's entries:\n"
                             << diff_text(diffs);
}

TEST_F(CopyAdversarialTest, SourceNestedInTargetOrTargetInSourceIsRefused) {
  make_dir(dst_);
  make_dir(dst_ + "/inner");
  write_file(dst_ + "/inner/a.txt", "a\n");
  const Manifest before = take_manifest(dst_);
  CopyRun run = run_copy(dst_ + "/inner", dst_, {}, 60);
  EXPECT_EQ(run.process.exit_code, 2) << run.describe();
  EXPECT_FALSE(run.process.err.empty()) << "a refusal must say why";
  auto diffs = diff_manifests(before, take_manifest(dst_));
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
  // The same directory spelled differently is still nested.
  run = run_copy(dst_ + "/inner/../inner/", dst_ + "/./", {}, 60);
  EXPECT_EQ(run.process.exit_code, 2) << run.describe();

  make_dir(src_);
  write_file(src_ + "/b.txt", "b\n");
  run = run_copy(src_, src_ + "/backup", {}, 60);
  EXPECT_EQ(run.process.exit_code, 2) << run.describe();
  EXPECT_FALSE(exists_nofollow(src_ + "/backup/b.txt"));
}

TEST_F(CopyAdversarialTest, FifoWithNoWriterIsNeverOpened) {
  make_dir(src_);
  write_file(src_ + "/before.txt", "x\n");
  check(mkfifo((src_ + "/pipe").c_str(), 0644) == 0, "mkfifo");
  write_file(src_ + "/zafter.txt", "y\n");
  for (const auto& options : {std::vector<std::string>{}, std::vector<std::string>{"--devices"},
                              std::vector<std::string>{"--verify", "all", "--devices"}}) {
    CopyRun run = run_copy(src_, dst_, options, 60);
    ASSERT_NE(run.process.exit_code, 124) << "copy hung on a fifo\n" << run.describe();
    EXPECT_TRUE(run.process.exit_code == 0 || run.process.exit_code == 1) << run.describe();
    EXPECT_TRUE(exists_nofollow(dst_ + "/zafter.txt")) << run.describe();
    remove_tree(dst_);
  }
}

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  check(lstat(path.c_str(), &st) == 0, "lstat " + path);
  return st;
}

// The value of xattr `name` of `path`, or "<none>".
std::string xattr_of(const std::string& path, const std::string& name) {
  std::string value(256, '\0');
  ssize_t n = lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
  if (n < 0) return "<none>";
  value.resize(static_cast<size_t>(n));
  return value;
}

// The target's owner hard-links a file from outside the tree (theirs, or one they may
// write) where the copy will put a file with the same size and mtime: a copy that brought
// "the existing file's" owner and mode in line would change the outside file.
TEST_F(CopyAdversarialTest, AFileHardLinkedIntoTheTargetIsReplacedNeverChanged) {
  const std::string elsewhere = tmp_ / "elsewhere";
  const std::string victim = elsewhere + "/victim";
  make_dir(elsewhere);
  write_file(victim, "victim's data\n");
  check(chmod(victim.c_str(), 0640) == 0, "chmod");
  set_owner(victim, 4004, 4004);
  check(lsetxattr(victim.c_str(), "user.victim", "v", 1, 0) == 0, "setxattr");
  set_times(victim, kOldTime, kOldTime + kSecond);

  make_dir(src_);
  const std::string source_data = "source's data\n";  // as long as the victim's
  write_file(src_ + "/f.txt", source_data);
  check(chmod((src_ + "/f.txt").c_str(), 0755) == 0, "chmod");
  set_owner(src_ + "/f.txt", 1001, 1001);
  set_times(src_ + "/f.txt", kOldTime, kOldTime + kSecond);
  make_dir(dst_);
  check(link(victim.c_str(), (dst_ + "/f.txt").c_str()) == 0, "link");
  const struct stat before = lstat_of(victim);

  for (const auto& options :
       {std::vector<std::string>{"--owner", "map:1001=2002", "--group", "map:1001=2002"},
        std::vector<std::string>{}}) {
    CopyRun run = run_copy(src_, dst_, options, 60);
    ASSERT_EQ(run.process.exit_code, 0) << run.describe();
    const struct stat after = lstat_of(victim);
    EXPECT_EQ(after.st_uid, 4004U);
    EXPECT_EQ(after.st_gid, 4004U);
    EXPECT_EQ(after.st_mode & 07777, 0640U);
    EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
    EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
    EXPECT_EQ(after.st_nlink, 1U) << "still linked into the target";
    EXPECT_EQ(read_file(victim), "victim's data\n");
    EXPECT_EQ(xattr_of(victim, "user.victim"), "v");
    EXPECT_EQ(read_file(dst_ + "/f.txt"), source_data);
    EXPECT_NE(lstat_of(dst_ + "/f.txt").st_ino, before.st_ino);
    // Planted again for the next round.
    check(unlink((dst_ + "/f.txt").c_str()) == 0, "unlink");
    check(link(victim.c_str(), (dst_ + "/f.txt").c_str()) == 0, "link");
  }
  expect_outside_untouched("copy over a hard link");
}

// Remapping owners must not turn a file its old owner made setuid (or gave capabilities) into
// one that runs with the new owner's rights: with --owner/--group other than preserve those
// are dropped unless --keep-setuid; directories keep their setgid bit (group inheritance).
TEST_F(CopyAdversarialTest, RemappedOwnersGetNoSetuidBitsOrCapabilitiesUnlessKept) {
  make_dir(src_);
  write_file(src_ + "/shell", "#!/bin/sh\nexec /bin/sh\n");
  check(chmod((src_ + "/shell").c_str(), 04755) == 0, "chmod");
  write_file(src_ + "/group_shell", "#!/bin/sh\n");
  check(chmod((src_ + "/group_shell").c_str(), 02755) == 0, "chmod");
  write_file(src_ + "/capped", "binary\n");
  check(chmod((src_ + "/capped").c_str(), 0755) == 0, "chmod");
  ProcessResult setcap = run_process({"setcap", "cap_net_raw+ep", src_ + "/capped"});
  ASSERT_EQ(setcap.exit_code, 0) << setcap.err;
  make_dir(src_ + "/team");
  check(chmod((src_ + "/team").c_str(), 02775) == 0, "chmod");
  for (const char* name : {"shell", "group_shell", "capped", "team"}) {
    set_owner(src_ + "/" + name, 1001, 1001);
  }
  check(chmod((src_ + "/shell").c_str(), 04755) == 0, "chmod");  // chown cleared it
  check(chmod((src_ + "/group_shell").c_str(), 02755) == 0, "chmod");
  check(chmod((src_ + "/team").c_str(), 02775) == 0, "chmod");
  ProcessResult setcap_again = run_process({"setcap", "cap_net_raw+ep", src_ + "/capped"});
  ASSERT_EQ(setcap_again.exit_code, 0) << setcap_again.err;
  const std::string cap = xattr_of(src_ + "/capped", "security.capability");
  ASSERT_NE(cap, "<none>");

  struct Case {
    std::vector<std::string> options;
    bool kept;
    unsigned uid;
  };
  for (const Case& c :
       {Case{{"--owner", "map:1001=0"}, false, 0}, Case{{"--group", "map:1001=0"}, false, 1001},
        Case{{"--owner", "none"}, false, 0},
        Case{{"--owner", "map:1001=0", "--keep-setuid"}, true, 0}, Case{{}, true, 1001}}) {
    std::string context;
    for (const auto& o : c.options) context += o + " ";
    SCOPED_TRACE(context);
    remove_tree(dst_);
    CopyRun run = run_copy(src_, dst_, c.options, 60);
    ASSERT_EQ(run.process.exit_code, 0) << run.describe();
    EXPECT_EQ(lstat_of(dst_ + "/shell").st_uid, c.uid);
    EXPECT_EQ(lstat_of(dst_ + "/shell").st_mode & 07777, c.kept ? 04755U : 0755U);
    EXPECT_EQ(lstat_of(dst_ + "/group_shell").st_mode & 07777, c.kept ? 02755U : 0755U);
    EXPECT_EQ(xattr_of(dst_ + "/capped", "security.capability"), c.kept ? cap : "<none>");
    EXPECT_EQ(lstat_of(dst_ + "/team").st_mode & 07777, 02775U);
  }

  // A copy made with --keep-setuid, re-run with the remap alone (same data, nothing to
  // transfer): the bits go.
  remove_tree(dst_);
  ASSERT_EQ(run_copy(src_, dst_, {"--owner", "map:1001=0", "--keep-setuid"}, 60).process.exit_code,
            0);
  CopyRun rerun = run_copy(src_, dst_, {"--owner", "map:1001=0"}, 60);
  ASSERT_EQ(rerun.process.exit_code, 0) << rerun.describe();
  EXPECT_EQ(lstat_of(dst_ + "/shell").st_mode & 07777, 0755U);
  EXPECT_EQ(lstat_of(dst_ + "/group_shell").st_mode & 07777, 0755U);
}

// A tree the copier takes a while over, plus pairs the mutator exchanges atomically
// (renameat2 RENAME_EXCHANGE): a directory and a symlink to outside, a file and a symlink to
// the secret, a file and a fifo with no writer; and a directory it renames away and back.
class CopyRaceTest : public CopyAdversarialTest {
 protected:
  static constexpr int kDirs = 40;
  static constexpr int kFilesPerDir = 40;

  void build_racy_source() {
    make_dir(src_);
    for (int d = 0; d < kDirs; ++d) {
      const std::string dir = src_ + "/d" + std::to_string(d);
      make_dir(dir);
      for (int f = 0; f < kFilesPerDir; ++f) {
        write_file(dir + "/f" + std::to_string(f),
                   pseudo_random_bytes(2048 + 97 * f, d * 1000 + f));
      }
      symlink_to(outside_, dir + ".swap");
      symlink_to(outside_ + "/secret.txt", dir + "/f0.swap");
      check(mkfifo((dir + "/f1.swap").c_str(), 0644) == 0, "mkfifo");
      swaps_.push_back({dir, dir + ".swap"});
      swaps_.push_back({dir + "/f0", dir + "/f0.swap"});
      swaps_.push_back({dir + "/f1", dir + "/f1.swap"});
    }
  }

  void start_mutator(std::vector<std::pair<std::string, std::string>> pairs) {
    stop_.store(false);
    mutator_ = std::thread([this, pairs = std::move(pairs)] {
      while (!stop_.load()) {
        for (const auto& [a, b] : pairs) {
          if (renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) {
            swaps_done_.fetch_add(1);
          }
        }
        // Directories renamed away and back: a path the copier resolved a moment ago is gone.
        const std::string moved = src_ + "/moved";
        if (rename((src_ + "/d7").c_str(), moved.c_str()) == 0) {
          symlink((outside_ + "/victim_dir").c_str(), (src_ + "/d7").c_str());
          unlink((src_ + "/d7").c_str());
          rename(moved.c_str(), (src_ + "/d7").c_str());
        }
      }
    });
  }

  void stop_mutator() {
    stop_.store(true);
    if (mutator_.joinable()) mutator_.join();
  }

  void TearDown() override {
    stop_mutator();
    CopyAdversarialTest::TearDown();
  }

  std::vector<std::pair<std::string, std::string>> swaps_;
  std::thread mutator_;
  std::atomic<bool> stop_{false};
  std::atomic<long> swaps_done_{0};
};

TEST_F(CopyRaceTest, SourceSwappedForSymlinksAndFifosDuringCopyNeverEscapes) {
  build_racy_source();
  start_mutator(swaps_);
  for (int round = 0; round < 4; ++round) {
    const std::string context = "round " + std::to_string(round);
    const long swaps_before = swaps_done_.load();
    CopyRun run = run_copy(
        src_, dst_,
        round % 2 == 0 ? std::vector<std::string>{} : std::vector<std::string>{"--parallel", "8"},
        120);
    ASSERT_NE(run.process.exit_code, 124) << context << ": copy hung\n" << run.describe();
    EXPECT_TRUE(run.process.exit_code == 0 || run.process.exit_code == 1)
        << context << ": a changing source is not a fault of the copy\n"
        << run.describe();
    EXPECT_GT(swaps_done_.load(), swaps_before) << context << ": the race did not run";
    expect_outside_untouched(context);
    remove_tree(dst_);
  }
  stop_mutator();
  expect_outside_untouched("end");
}

TEST_F(CopyRaceTest, TargetSwappedForSymlinksDuringCopyIsNeverWrittenThrough) {
  build_racy_source();
  // The new home's owner swaps each directory the copier creates for a link to outside.
  make_dir(dst_);
  std::vector<std::pair<std::string, std::string>> target_pairs;
  for (int d = 0; d < kDirs; ++d) {
    const std::string dir = dst_ + "/d" + std::to_string(d);
    symlink_to(outside_ + "/victim_dir", dir + ".swap");
    target_pairs.push_back({dir, dir + ".swap"});
  }
  for (int round = 0; round < 3; ++round) {
    const std::string context = "round " + std::to_string(round);
    start_mutator(target_pairs);
    CopyRun run = run_copy(src_, dst_, {"--transfer-mode", "all"}, 120);
    // The target is only scanned for the secret once it holds still.
    stop_mutator();
    ASSERT_NE(run.process.exit_code, 124) << context << ": copy hung\n" << run.describe();
    EXPECT_LT(run.process.exit_code, 128) << context << ": copy crashed\n" << run.describe();
    expect_outside_untouched(context);
  }
  EXPECT_GT(swaps_done_.load(), 0) << "the race did not run";
}

}  // namespace
}  // namespace lifeboat::testing

#include "transfer/copier.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "transfer/copy_test_fixture.h"

namespace lifeboat::transfer {
namespace {

namespace sfs = std::filesystem;

class CopierTest : public CopyTreeTest {
 protected:
  CopierTest() : CopyTreeTest("lifeboat-copier-test") {}

  static struct stat lstat_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
  }
  static void set_mtime(const std::string& path, time_t secs) {
    const timespec times[2] = {{secs, 0}, {secs, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
  }
  // Names of every entry below `root` (relative), to spot leftovers.
  static std::vector<std::string> tree(const std::string& root) {
    std::vector<std::string> out;
    for (const auto& e : sfs::recursive_directory_iterator(root)) {
      out.push_back(sfs::relative(e.path(), root).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static bool has_temp(const std::string& root) {
    for (const auto& name : tree(root)) {
      if (name.find(kTempPrefix) != std::string::npos) return true;
    }
    return false;
  }

  using CopyTreeTest::copy;
  CopyReport copy() { return copy(base_); }
};

TEST_P(CopierTest, CopiesATreeAndARerunTransfersNothing) {
  write(src_ + "/a.txt", "alpha");
  write(src_ + "/sub/deeper/b.txt", "beta");
  sfs::create_directories(src_ + "/empty");
  ASSERT_EQ(::symlink("../a.txt", (src_ + "/sub/link").c_str()), 0);
  set_mtime(src_ + "/a.txt", 1000000000);

  CopyReport first = copy();
  EXPECT_EQ(first.status, CopyStatus::kSuccess);
  EXPECT_EQ(first.files_transferred, 3U);
  EXPECT_EQ(first.files_verified, 2U);
  EXPECT_EQ(first.bytes_transferred, 9U);
  EXPECT_EQ(read(dst_ + "/a.txt"), "alpha");
  EXPECT_EQ(read(dst_ + "/sub/deeper/b.txt"), "beta");
  EXPECT_TRUE(sfs::is_directory(dst_ + "/empty"));
  EXPECT_EQ(sfs::read_symlink(dst_ + "/sub/link").string(), "../a.txt");
  EXPECT_EQ(lstat_of(dst_ + "/a.txt").st_mtim.tv_sec, 1000000000);
  EXPECT_EQ(tree(src_), tree(dst_));

  CopyReport again = copy();
  EXPECT_EQ(again.status, CopyStatus::kSuccess);
  EXPECT_EQ(again.files_transferred, 0U);
  EXPECT_EQ(again.files_skipped, 3U);
}

TEST_P(CopierTest, EioOnOneFileIsReportedAndTheRestIsCopiedWithNoPartialFile) {
  write(src_ + "/a.txt", "alpha");
  write(src_ + "/b.txt", std::string(3 << 20, 'b'));
  write(src_ + "/c.txt", "gamma");
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kRead, "b.txt", EIO});
  CopyReport r = copy(faulty);
  EXPECT_EQ(r.status, CopyStatus::kPartial);
  EXPECT_EQ(r.files_failed, 1U);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].path, "b.txt");
  EXPECT_NE(r.errors[0].reason.find("Input/output error"), std::string::npos) << r.errors[0].reason;
  EXPECT_EQ(read(dst_ + "/a.txt"), "alpha");
  EXPECT_EQ(read(dst_ + "/c.txt"), "gamma");
  EXPECT_FALSE(sfs::exists(dst_ + "/b.txt"));
  EXPECT_FALSE(has_temp(dst_));
}

TEST_P(CopierTest, EioWithoutVerifyUsesTheKernelCopyPathAndStillReports) {
  write(src_ + "/a.txt", "alpha");
  write(src_ + "/b.txt", "beta");
  options_.verify = VerifyMode::kNone;
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kRead, "b.txt", EIO});
  CopyReport r = copy(faulty);
  EXPECT_EQ(r.status, CopyStatus::kPartial);
  EXPECT_FALSE(sfs::exists(dst_ + "/b.txt"));
  EXPECT_EQ(read(dst_ + "/a.txt"), "alpha");
  EXPECT_FALSE(has_temp(dst_));
}

TEST_P(CopierTest, EaccesOnOpenIsPartial) {
  write(src_ + "/ok.txt", "fine");
  write(src_ + "/secret.txt", "no");
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kOpen, "secret.txt", EACCES});
  CopyReport r = copy(faulty);
  EXPECT_EQ(r.status, CopyStatus::kPartial);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].path, "secret.txt");
  EXPECT_NE(r.errors[0].reason.find("Permission denied"), std::string::npos);
  EXPECT_EQ(read(dst_ + "/ok.txt"), "fine");
  EXPECT_FALSE(sfs::exists(dst_ + "/secret.txt"));
}

TEST_P(CopierTest, EnospcStopsTheWholeCopyWithError) {
  for (int i = 0; i < 50; ++i) write(src_ + "/d/f" + std::to_string(i), std::string(1000, 'x'));
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kWrite, "", ENOSPC});
  CopyReport r = copy(faulty);
  EXPECT_EQ(r.status, CopyStatus::kError);
  EXPECT_NE(r.message.find("full"), std::string::npos) << r.message;
  EXPECT_GE(r.files_failed, 1U);
  EXPECT_LT(r.files_failed, 50U) << "the copy stops instead of failing every file";
  EXPECT_EQ(r.files_transferred, 0U);
  EXPECT_FALSE(has_temp(dst_));
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(sfs::exists(dst_ + "/d/f" + std::to_string(i)));
}

TEST_P(CopierTest, DeleteRemovesExactlyTheExtraEntriesAndRespectsExcludes) {
  write(src_ + "/keep.txt", "k");
  write(dst_ + "/keep.txt", "old");
  write(dst_ + "/extra.txt", "e");
  write(dst_ + "/extra_dir/inner.txt", "i");
  write(dst_ + "/cache.tmp", "protected by exclude");
  options_.excludes = {"*.tmp"};

  CopyReport kept = copy();
  EXPECT_TRUE(sfs::exists(dst_ + "/extra.txt")) << "default keeps extras";
  EXPECT_EQ(kept.files_deleted, 0U);

  options_.delete_extraneous = true;
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  EXPECT_EQ(r.files_deleted, 3U);  // extra.txt, extra_dir/inner.txt, extra_dir
  EXPECT_FALSE(sfs::exists(dst_ + "/extra.txt"));
  EXPECT_FALSE(sfs::exists(dst_ + "/extra_dir"));
  EXPECT_TRUE(sfs::exists(dst_ + "/cache.tmp"));
  EXPECT_EQ(read(dst_ + "/keep.txt"), "k");
}

TEST_P(CopierTest, OverwriteOlderKeepsNewerTargetFilesAndNeverKeepsAll) {
  write(src_ + "/newer_in_target.txt", "source");
  write(src_ + "/older_in_target.txt", "source");
  set_mtime(src_ + "/newer_in_target.txt", 2000000000);
  set_mtime(src_ + "/older_in_target.txt", 2000000000);
  write(dst_ + "/newer_in_target.txt", "user wrote this");
  write(dst_ + "/older_in_target.txt", "stale");
  set_mtime(dst_ + "/newer_in_target.txt", 2000000100);
  set_mtime(dst_ + "/older_in_target.txt", 1000000000);

  options_.overwrite = OverwriteMode::kNever;
  CopyReport never = copy();
  EXPECT_EQ(never.files_transferred, 0U);
  EXPECT_EQ(read(dst_ + "/older_in_target.txt"), "stale");

  options_.overwrite = OverwriteMode::kOlder;
  CopyReport r = copy();
  EXPECT_EQ(r.files_transferred, 1U);
  EXPECT_EQ(read(dst_ + "/newer_in_target.txt"), "user wrote this");
  EXPECT_EQ(read(dst_ + "/older_in_target.txt"), "source");
}

TEST_P(CopierTest, DryRunChangesNothingButReports) {
  write(src_ + "/a.txt", "alpha");
  write(src_ + "/sub/b.txt", "beta");
  options_.dry_run = true;
  CopyReport r = copy();
  EXPECT_TRUE(r.dry_run);
  EXPECT_EQ(r.estimated_files_to_transfer, 2U);
  EXPECT_EQ(r.estimated_bytes_to_transfer, 9U);
  EXPECT_EQ(r.files_transferred, 0U);
  EXPECT_FALSE(sfs::exists(dst_));

  write(dst_ + "/extra.txt", "e");
  options_.delete_extraneous = true;
  CopyReport with_delete = copy();
  EXPECT_EQ(with_delete.files_deleted, 1U);
  EXPECT_TRUE(sfs::exists(dst_ + "/extra.txt"));
  EXPECT_FALSE(sfs::exists(dst_ + "/a.txt"));
}

TEST_P(CopierTest, HardLinksStayLinkedInsideTheTree) {
  write(src_ + "/one/a", "shared");
  sfs::create_directories(src_ + "/two");
  ASSERT_EQ(::link((src_ + "/one/a").c_str(), (src_ + "/two/b").c_str()), 0);
  ASSERT_EQ(::link((src_ + "/one/a").c_str(), (src_ + "/c").c_str()), 0);
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  auto a = lstat_of(dst_ + "/one/a");
  EXPECT_EQ(a.st_nlink, 3U);
  EXPECT_EQ(lstat_of(dst_ + "/two/b").st_ino, a.st_ino);
  EXPECT_EQ(lstat_of(dst_ + "/c").st_ino, a.st_ino);
  EXPECT_EQ(read(dst_ + "/c"), "shared");
}

TEST_P(CopierTest, WorksWhereOpenat2IsRefused) {
  write(src_ + "/one/a", "shared");
  sfs::create_directories(src_ + "/two");
  ASSERT_EQ(::link((src_ + "/one/a").c_str(), (src_ + "/two/b").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/passwd", (src_ + "/two/out").c_str()), 0);
  fs::PosixFileSystem without_openat2(false);
  fs::FaultInjectingFileSystem target(without_openat2);
  target.set_unnamed_files(GetParam());
  CopyReport r = copy(target);
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  EXPECT_EQ(lstat_of(dst_ + "/two/b").st_ino, lstat_of(dst_ + "/one/a").st_ino);
  EXPECT_TRUE(sfs::is_symlink(dst_ + "/two/out"));
}

TEST_P(CopierTest, SparseFileKeepsItsHoles) {
  const std::string path = src_ + "/sparse";
  {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "head", 4, 0), 4);
    ASSERT_EQ(::pwrite(fd, "tail", 4, 8 << 20), 4);
    ASSERT_EQ(::ftruncate(fd, 16 << 20), 0);
    ::close(fd);
  }
  auto src_st = lstat_of(path);
  if (src_st.st_blocks * 512 >= src_st.st_size) GTEST_SKIP() << "no sparse files on /tmp";
  for (VerifyMode mode : {VerifyMode::kTransferred, VerifyMode::kNone}) {
    sfs::remove_all(dst_);
    options_.verify = mode;
    CopyReport r = copy();
    EXPECT_EQ(r.status, CopyStatus::kSuccess);
    auto dst_st = lstat_of(dst_ + "/sparse");
    EXPECT_EQ(dst_st.st_size, src_st.st_size);
    EXPECT_LE(dst_st.st_blocks, src_st.st_blocks + 16) << "holes were filled";
    EXPECT_EQ(read(dst_ + "/sparse"), read(path));
  }
}

TEST_P(CopierTest, SymlinkInTheTargetIsReplacedNotFollowed) {
  write(dir_ + "/outside/victim.txt", "untouched");
  sfs::create_directories(dir_ + "/outside/dir");
  write(src_ + "/victim.txt", "from source");
  write(src_ + "/dir/file.txt", "inside");
  sfs::create_directories(dst_);
  ASSERT_EQ(::symlink((dir_ + "/outside/victim.txt").c_str(), (dst_ + "/victim.txt").c_str()), 0);
  ASSERT_EQ(::symlink((dir_ + "/outside/dir").c_str(), (dst_ + "/dir").c_str()), 0);
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  EXPECT_EQ(read(dir_ + "/outside/victim.txt"), "untouched");
  EXPECT_FALSE(sfs::exists(dir_ + "/outside/dir/file.txt"));
  EXPECT_FALSE(sfs::is_symlink(dst_ + "/victim.txt"));
  EXPECT_FALSE(sfs::is_symlink(dst_ + "/dir"));
  EXPECT_EQ(read(dst_ + "/victim.txt"), "from source");
  EXPECT_EQ(read(dst_ + "/dir/file.txt"), "inside");
}

TEST_P(CopierTest, LeftoverTemporariesOfACrashAreCleanedUp) {
  write(src_ + "/sub/a.txt", "alpha");
  write(dst_ + "/" + kTempPrefix + "deadbeef.1", "partial");
  write(dst_ + "/sub/" + kTempPrefix + "deadbeef.2", "partial");
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  EXPECT_FALSE(has_temp(dst_));
  EXPECT_EQ(r.files_deleted, 0U) << "temporaries are not user files";
  EXPECT_EQ(read(dst_ + "/sub/a.txt"), "alpha");
}

TEST_P(CopierTest, NestedRootsAreRefused) {
  options_.target = src_ + "/inner";
  auto inside = run_copy(base_, options_);
  ASSERT_FALSE(inside.is_ok());
  EXPECT_EQ(inside.status().code(), core::StatusCode::kInvalidArgument);
  options_.source = src_;
  options_.target = dir_;
  auto around = run_copy(base_, options_);
  ASSERT_FALSE(around.is_ok());
  EXPECT_EQ(around.status().code(), core::StatusCode::kInvalidArgument);
  options_.target = src_;
  EXPECT_FALSE(run_copy(base_, options_).is_ok());
  options_.target = src_ + "/not/yet/there";
  auto missing = run_copy(base_, options_);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_FALSE(sfs::exists(src_ + "/not")) << "nothing is created inside the source";
}

TEST_P(CopierTest, FifosAreSkippedAndReportedUnlessDevicesIsSet) {
  write(src_ + "/a.txt", "alpha");
  ASSERT_EQ(::mkfifo((src_ + "/pipe").c_str(), 0640), 0);
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  ASSERT_EQ(r.skipped.size(), 1U);
  EXPECT_EQ(r.skipped[0].path, "pipe");
  EXPECT_FALSE(sfs::exists(dst_ + "/pipe"));
  options_.devices = true;
  CopyReport with = copy();
  EXPECT_EQ(with.files_transferred, 1U);
  auto st = lstat_of(dst_ + "/pipe");
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640U);
}

TEST_P(CopierTest, ModesOwnersAndTimesAreKept) {
  write(src_ + "/suid", "x");
  sfs::create_directories(src_ + "/sticky");
  ASSERT_EQ(::chmod((src_ + "/suid").c_str(), 04750), 0);
  ASSERT_EQ(::chmod((src_ + "/sticky").c_str(), 01777), 0);
  const timespec times[2] = {{1500000000, 123456789}, {1600000000, 987654321}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (src_ + "/suid").c_str(), times, 0), 0);
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown((src_ + "/suid").c_str(), 1234, 5678), 0);
    ASSERT_EQ(::chmod((src_ + "/suid").c_str(), 04750), 0);
  }
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  auto st = lstat_of(dst_ + "/suid");
  EXPECT_EQ(st.st_mode & 07777, 04750U);
  EXPECT_EQ(st.st_mtim.tv_sec, 1600000000);
  EXPECT_EQ(st.st_mtim.tv_nsec, 987654321);
  EXPECT_EQ(st.st_atim.tv_sec, 1500000000);
  EXPECT_EQ(st.st_atim.tv_nsec, 123456789);
  EXPECT_EQ(lstat_of(dst_ + "/sticky").st_mode & 07777, 01777U);
  if (::geteuid() == 0) {
    EXPECT_EQ(st.st_uid, 1234U);
    EXPECT_EQ(st.st_gid, 5678U);
    sfs::remove_all(dst_);
    auto owner = IdMapping::parse("map:1234=2000", false, "--owner");
    auto group = IdMapping::parse("map:5678=3000", true, "--group");
    ASSERT_TRUE(owner.is_ok() && group.is_ok());
    options_.owner = *owner;
    options_.group = *group;
    copy();
    auto mapped = lstat_of(dst_ + "/suid");
    EXPECT_EQ(mapped.st_uid, 2000U);
    EXPECT_EQ(mapped.st_gid, 3000U);
    EXPECT_EQ(mapped.st_mode & 07777, 0750U) << "remapped owners get no setuid bit";
    sfs::remove_all(dst_);
    options_.keep_setuid = true;
    copy();
    mapped = lstat_of(dst_ + "/suid");
    EXPECT_EQ(mapped.st_uid, 2000U);
    EXPECT_EQ(mapped.st_mode & 07777, 04750U) << "chmod after chown keeps setuid";
  }
}

// `--owner home` / `--group home`: the source root's owner becomes the target root's,
// read from the opened roots; other owners stay; a target nobody owns yet is refused and a
// root-owned target root keeps every owner (the files never become root's).
TEST_P(CopierTest, HomeOwnersFollowTheTargetRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  write(src_ + "/mine.txt", "m");
  write(src_ + "/sub/deep.txt", "d");
  write(src_ + "/stranger.txt", "s");
  for (const char* p : {"", "/mine.txt", "/sub", "/sub/deep.txt"}) {
    ASSERT_EQ(::lchown((src_ + p).c_str(), 200001, 100), 0);
  }
  ASSERT_EQ(::lchown((src_ + "/stranger.txt").c_str(), 4242, 4242), 0);
  auto home_owner = IdMapping::parse("home", false, "--owner");
  auto home_group = IdMapping::parse("home", true, "--group");
  ASSERT_TRUE(home_owner.is_ok() && home_group.is_ok());
  EXPECT_EQ(home_owner->to_string(), "home");
  options_.owner = *home_owner;
  options_.group = *home_group;

  // No target yet: nobody owns it, so there is no owner to give.
  auto refused = run_copy(base_, options_);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("does not exist"), std::string::npos)
      << refused.status().message();
  EXPECT_FALSE(sfs::exists(dst_)) << "a refused copy creates nothing";

  sfs::create_directories(dst_);
  ASSERT_EQ(::chown(dst_.c_str(), 200002, 100), 0);
  EXPECT_EQ(copy().status, CopyStatus::kSuccess);
  EXPECT_EQ(lstat_of(dst_ + "/mine.txt").st_uid, 200002U);
  EXPECT_EQ(lstat_of(dst_ + "/sub").st_uid, 200002U);
  EXPECT_EQ(lstat_of(dst_ + "/sub/deep.txt").st_uid, 200002U);
  EXPECT_EQ(lstat_of(dst_ + "/sub/deep.txt").st_gid, 100U);
  EXPECT_EQ(lstat_of(dst_ + "/stranger.txt").st_uid, 4242U) << "only the home's owner moves";
  EXPECT_EQ(lstat_of(dst_).st_uid, 200002U) << "the target root keeps its owner";

  // A target root owned by root: every owner is preserved, none becomes root.
  sfs::remove_all(dst_);
  sfs::create_directories(dst_);
  ASSERT_EQ(::chown(dst_.c_str(), 0, 0), 0);
  EXPECT_EQ(copy().status, CopyStatus::kSuccess);
  EXPECT_EQ(lstat_of(dst_ + "/mine.txt").st_uid, 200001U);
  EXPECT_EQ(lstat_of(dst_ + "/mine.txt").st_gid, 100U);
}

TEST_P(CopierTest, IncludeAndExcludePatterns) {
  write(src_ + "/notes/a.txt", "a");
  write(src_ + "/notes/b.log", "b");
  write(src_ + "/cache/big.bin", "c");
  write(src_ + "/top.txt", "t");
  options_.excludes = {"/cache|*.log"};
  copy();
  EXPECT_TRUE(sfs::exists(dst_ + "/notes/a.txt"));
  EXPECT_TRUE(sfs::exists(dst_ + "/top.txt"));
  EXPECT_FALSE(sfs::exists(dst_ + "/notes/b.log"));
  EXPECT_FALSE(sfs::exists(dst_ + "/cache"));

  sfs::remove_all(dst_);
  options_.excludes.clear();
  options_.includes = {"/notes/*.txt"};
  copy();
  EXPECT_TRUE(sfs::exists(dst_ + "/notes/a.txt"));
  EXPECT_FALSE(sfs::exists(dst_ + "/notes/b.log"));
  EXPECT_FALSE(sfs::exists(dst_ + "/top.txt"));
}

TEST_P(CopierTest, VerifyAllComparesTheTrees) {
  write(src_ + "/a.txt", "alpha");
  write(src_ + "/sub/b.txt", "beta");
  options_.verify = VerifyMode::kAll;
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  EXPECT_EQ(r.files_verified, 2U);
}

TEST_P(CopierTest, CancelStopsAndReports) {
  for (int i = 0; i < 200; ++i) write(src_ + "/f" + std::to_string(i), "x");
  std::stop_source stop;
  stop.request_stop();
  auto r = run_copy(base_, options_, {}, stop.get_token());
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->status, CopyStatus::kError);
  EXPECT_NE(r->message.find("cancel"), std::string::npos);
  EXPECT_LT(r->files_transferred, 200U);
}

TEST_P(CopierTest, NewFilesAreLinkedIntoPlaceWhereTheTargetHasUnnamedFiles) {
  for (int i = 0; i < 20; ++i)
    write(src_ + "/d" + std::to_string(i % 3) + "/f" + std::to_string(i), "x");
  CopyReport r = copy();
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  EXPECT_EQ(r.files_transferred, 20U);
  if (GetParam()) {
    // One probe (where the first file goes), then every file: written unnamed, linked once,
    // never renamed.
    EXPECT_EQ(base_.unnamed_opens(), 21);
    EXPECT_EQ(base_.fd_links(), 21);
    EXPECT_EQ(base_.renames(), 0);
  } else {
    // The probe fails and is not retried per file; every file goes through rename.
    EXPECT_EQ(base_.unnamed_opens(), 1);
    EXPECT_EQ(base_.fd_links(), 0);
    EXPECT_EQ(base_.renames(), 20);
  }
  EXPECT_EQ(tree(src_), tree(dst_));
  EXPECT_FALSE(has_temp(dst_));
}

TEST_P(CopierTest, TempNamesOptionRenamesEveryFileEvenWhereUnnamedFilesExist) {
  for (int i = 0; i < 5; ++i) write(src_ + "/f" + std::to_string(i), "x");
  options_.temp_names = true;
  CopyReport r = copy();
  EXPECT_EQ(r.files_transferred, 5U);
  EXPECT_EQ(base_.unnamed_opens(), 0) << "not even probed";
  EXPECT_EQ(base_.renames(), 5);
  EXPECT_FALSE(has_temp(dst_));
}

TEST_P(CopierTest, ReplacingAnExistingFileGoesThroughATemporaryName) {
  write(src_ + "/a.txt", "new content");
  write(dst_ + "/a.txt", "old");
  set_mtime(dst_ + "/a.txt", 1000);  // older than the source: replaced
  CopyReport r = copy();
  EXPECT_EQ(r.files_transferred, 1U);
  EXPECT_EQ(read(dst_ + "/a.txt"), "new content");
  // linkat cannot replace a name; rename does, in one step, so the old file is never missing.
  EXPECT_EQ(base_.renames(), 1);
  EXPECT_FALSE(has_temp(dst_));
}

TEST_P(CopierTest, ANameTakenWhileTheFileWasCopiedIsDecidedAgain) {
  if (!GetParam()) GTEST_SKIP() << "only unnamed files are linked (linkat never replaces)";
  write(src_ + "/a.txt", "alpha");
  // linkat answers EEXIST as if another process had taken the name meanwhile; the stat
  // that follows finds nothing there, so the copy goes in through a temporary name.
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kRename, "a.txt", EEXIST, 1});
  CopyReport r = copy(faulty);
  EXPECT_EQ(r.status, CopyStatus::kSuccess);
  EXPECT_EQ(r.files_transferred, 1U);
  EXPECT_EQ(read(dst_ + "/a.txt"), "alpha");
  EXPECT_EQ(base_.renames(), 1);
  EXPECT_FALSE(has_temp(dst_));
}

TEST_P(CopierTest, AFailureToLinkIntoPlaceLeavesNothingBehind) {
  write(src_ + "/a.txt", "alpha");
  write(src_ + "/b.txt", "beta");
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kRename, "b.txt", EIO});
  CopyReport r = copy(faulty);
  EXPECT_EQ(r.status, CopyStatus::kPartial);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].path, "b.txt");
  EXPECT_EQ(read(dst_ + "/a.txt"), "alpha");
  EXPECT_FALSE(sfs::exists(dst_ + "/b.txt"));
  EXPECT_FALSE(has_temp(dst_));
}

TEST_P(CopierTest, EarlyWritebackOfALargeFileFailsItOnAnErrorAndIsOnlyAHintOtherwise) {
  const std::string big(9 << 20, 'z');  // crosses the 4 MiB writeback window twice
  write(src_ + "/big.bin", big);
  {
    // The first sync call of the run is the big file's early writeback: EIO fails the file.
    fs::FaultInjectingFileSystem faulty(base());
    faulty.add_rule({fs::FaultOp::kSync, "", EIO, 1});
    CopyReport r = copy(faulty);
    EXPECT_EQ(r.status, CopyStatus::kPartial);
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_EQ(r.errors[0].path, "big.bin");
    EXPECT_FALSE(sfs::exists(dst_ + "/big.bin"));
    EXPECT_FALSE(has_temp(dst_));
  }
  {
    // A file system without sync_file_range (EINVAL): the copy goes on.
    fs::FaultInjectingFileSystem faulty(base());
    faulty.add_rule({fs::FaultOp::kSync, "", EINVAL, 2});
    CopyReport r = copy(faulty);
    EXPECT_EQ(r.status, CopyStatus::kSuccess);
    EXPECT_EQ(faulty.faults_injected(), 2);
    EXPECT_EQ(read(dst_ + "/big.bin"), big);
  }
}

// In a target directory the copy has just created, every subdirectory's target is made
// before any of them is entered (the level's directories stay together on ext4; see
// docs/architecture.md), each exactly once, with the mkdirs spread over the workers.
TEST_P(CopierTest, EveryDirectoryOfANewLevelIsMadeBeforeAnyOfThemIsEntered) {
  std::vector<std::string> level;
  for (int i = 0; i < 12; ++i) {
    level.push_back(fmt::format("d{:02d}", i));
    write(src_ + "/" + level.back() + "/f.txt", level.back());
    write(src_ + "/" + level.back() + "/sub/g.txt", "deeper");
  }
  write(src_ + "/top.txt", "top");
  options_.parallel = 4;
  fs::FaultInjectingFileSystem recording(base());
  recording.record_calls();
  CopyReport r = copy(recording);
  ASSERT_EQ(r.status, CopyStatus::kSuccess) << r.message;
  const auto calls = recording.calls();
  size_t last_mkdir = 0;
  size_t first_listing = calls.size();
  for (const std::string& name : level) {
    int mkdirs = 0;
    for (size_t i = 0; i < calls.size(); ++i) {
      if (calls[i].second != name) continue;
      if (calls[i].first == fs::FaultOp::kMkdir) {
        ++mkdirs;
        last_mkdir = std::max(last_mkdir, i);
      } else if (calls[i].first == fs::FaultOp::kReadDir) {
        first_listing = std::min(first_listing, i);
      }
    }
    EXPECT_EQ(mkdirs, 1) << name;
    EXPECT_EQ(read(dst_ + "/" + name + "/f.txt"), name);
    EXPECT_EQ(read(dst_ + "/" + name + "/sub/g.txt"), "deeper");
  }
  ASSERT_LT(first_listing, calls.size());
  EXPECT_LT(last_mkdir, first_listing);
  EXPECT_EQ(read(dst_ + "/top.txt"), "top");
}

// A subdirectory's target made ahead is taken back when the source directory is gone, or is
// no longer a directory, by the time it is entered: nothing empty is left in its place.
TEST_P(CopierTest, ATargetMadeAheadIsTakenBackWhenItsSourceCannotBeEntered) {
  write(src_ + "/keep/f.txt", "kept");
  write(src_ + "/gone/f.txt", "x");
  write(src_ + "/swapped/f.txt", "y");
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kOpen, "gone", ENOENT, 1});    // removed since the listing
  faulty.add_rule({fs::FaultOp::kOpen, "swapped", ELOOP, 1});  // now a symlink
  faulty.record_calls();
  CopyReport r = copy(faulty);
  const auto calls = faulty.calls();
  for (const char* name : {"gone", "swapped"}) {
    auto count = [&](fs::FaultOp op) {
      return std::count(calls.begin(), calls.end(), std::make_pair(op, std::string(name)));
    };
    EXPECT_EQ(count(fs::FaultOp::kMkdir), 1) << name << ": made ahead";
    EXPECT_EQ(count(fs::FaultOp::kUnlink), 1) << name << ": taken back";
  }
  EXPECT_EQ(r.status, CopyStatus::kPartial);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].path, "swapped");
  EXPECT_NE(r.errors[0].reason.find("non-directory"), std::string::npos) << r.errors[0].reason;
  EXPECT_EQ(tree(dst_), (std::vector<std::string>{"keep", "keep/f.txt"}));
}

// A mkdir that fails ahead is tried again when the directory is opened, and a failure that
// persists is reported once, for that directory alone.
TEST_P(CopierTest, AMkdirThatFailsAheadIsTriedAgainAndReportedOnce) {
  write(src_ + "/flaky/f.txt", "f");
  write(src_ + "/broken/f.txt", "b");
  write(src_ + "/fine/f.txt", "ok");
  fs::FaultInjectingFileSystem faulty(base());
  faulty.add_rule({fs::FaultOp::kMkdir, "flaky", EIO, 1});
  faulty.add_rule({fs::FaultOp::kMkdir, "broken", EIO, -1});
  CopyReport r = copy(faulty);
  EXPECT_EQ(r.status, CopyStatus::kPartial);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].path, "broken");
  EXPECT_EQ(read(dst_ + "/flaky/f.txt"), "f");
  EXPECT_EQ(read(dst_ + "/fine/f.txt"), "ok");
  EXPECT_FALSE(sfs::exists(dst_ + "/broken"));
}

INSTANTIATE_TEST_SUITE_P(Targets, CopierTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "UnnamedFiles" : "TemporaryNames";
                         });

}  // namespace
}  // namespace lifeboat::transfer

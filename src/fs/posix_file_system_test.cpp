#include "fs/posix_file_system.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fs/durable_write.h"
#include "fs/fault_injecting_file_system.h"
#include "testing/temp_dir.h"

namespace lifeboat::fs {
namespace {

// The conformance suite: every FileSystem implementation must pass it (the fault-injecting
// one with no rules behaves exactly like the one it wraps).
class PosixOnly {
 public:
  FileSystem& get() { return PosixFileSystem::instance(); }
};
class PosixWithoutOpenat2 {
 public:
  FileSystem& get() { return fs_; }

 private:
  PosixFileSystem fs_{false};
};
class WrappedPosix {
 public:
  FileSystem& get() { return wrapper_; }

 private:
  FaultInjectingFileSystem wrapper_{PosixFileSystem::instance()};
};

template <typename Impl>
class FsTest : public ::testing::Test {
 protected:
  void write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ + "/" + rel, std::ios::binary) << text;
  }
  std::string read(const std::string& rel) {
    std::ifstream in(dir_ + "/" + rel, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  lifeboat::testing::TempDir tmp_{"lifeboat-fs-test"};
  std::string dir_ = tmp_.path();
  Impl impl_;
  FileSystem& fs_ = impl_.get();
};

using Implementations = ::testing::Types<PosixOnly, PosixWithoutOpenat2, WrappedPosix>;
TYPED_TEST_SUITE(FsTest, Implementations);

TYPED_TEST(FsTest, OpenBeneathRefusesSymlinksAndDotDot) {
  ASSERT_EQ(::mkdir((this->dir_ + "/root").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((this->dir_ + "/root/sub").c_str(), 0755), 0);
  this->write("root/sub/f", "inside");
  this->write("outside", "secret");
  ASSERT_EQ(::symlink("../outside", (this->dir_ + "/root/esc").c_str()), 0);
  ASSERT_EQ(::symlink("sub", (this->dir_ + "/root/sublink").c_str()), 0);
  auto root = this->fs_.open_root(this->dir_ + "/root", false);
  ASSERT_TRUE(root.is_ok()) << root.status().to_string();

  EXPECT_TRUE(this->fs_.open_beneath(root->get(), "sub/f", O_RDONLY).is_ok());
  EXPECT_FALSE(this->fs_.open_beneath(root->get(), "esc", O_RDONLY).is_ok());
  EXPECT_FALSE(this->fs_.open_beneath(root->get(), "sublink/f", O_RDONLY).is_ok());
  EXPECT_FALSE(this->fs_.open_beneath(root->get(), "../outside", O_RDONLY).is_ok());
  EXPECT_FALSE(this->fs_.open_beneath(root->get(), "sub/../../outside", O_RDONLY).is_ok());
  EXPECT_FALSE(this->fs_.open_beneath(root->get(), "/etc/passwd", O_RDONLY).is_ok());
}

TYPED_TEST(FsTest, OpenRootRefusesASymlinkInThePathAndCreatesMissingOnes) {
  ASSERT_EQ(::mkdir((this->dir_ + "/real").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("real", (this->dir_ + "/alias").c_str()), 0);
  auto via_link = this->fs_.open_root(this->dir_ + "/alias", false);
  ASSERT_FALSE(via_link.is_ok());
  EXPECT_NE(via_link.status().message().find("symbolic link"), std::string::npos);
  EXPECT_FALSE(this->fs_.open_root(this->dir_ + "/alias/x", true).is_ok());
  EXPECT_FALSE(std::filesystem::exists(this->dir_ + "/real/x"));

  auto made = this->fs_.open_root(this->dir_ + "/new/deeper", true);
  ASSERT_TRUE(made.is_ok()) << made.status().to_string();
  EXPECT_TRUE(std::filesystem::is_directory(this->dir_ + "/new/deeper"));
  EXPECT_EQ(this->fs_.open_root(this->dir_ + "/missing", false).status().sys_errno(), ENOENT);
}

TYPED_TEST(FsTest, OpenAtAndStatNeverFollowASymlink) {
  this->write("target", "data");
  ASSERT_EQ(::symlink("target", (this->dir_ + "/link").c_str()), 0);
  auto root = this->fs_.open_root(this->dir_, false);
  ASSERT_TRUE(root.is_ok());
  auto opened = this->fs_.open_at(root->get(), "link", O_RDONLY);
  ASSERT_FALSE(opened.is_ok());
  EXPECT_EQ(opened.status().sys_errno(), ELOOP);
  auto st = this->fs_.stat_at(root->get(), "link");
  ASSERT_TRUE(st.is_ok());
  EXPECT_EQ(st->type, FileType::kSymlink);
  auto text = this->fs_.readlink_at(root->get(), "link");
  ASSERT_TRUE(text.is_ok());
  EXPECT_EQ(*text, "target");
}

TYPED_TEST(FsTest, ReadDirStreamsNamesWithAnyBytes) {
  std::set<std::string> want = {"plain", "new\nline", std::string("bad\xff\xfe", 5),
                                std::string(255, 'n')};
  for (const auto& name : want) this->write(name, "x");
  auto root = this->fs_.open_root(this->dir_, false);
  ASSERT_TRUE(root.is_ok());
  std::set<std::string> got;
  ASSERT_TRUE(this->fs_.read_dir(root->get(), [&](const DirEntry& e) {
    got.insert(e.name);
    EXPECT_EQ(e.type, FileType::kRegular);
    return core::Status::ok();
  }));
  EXPECT_EQ(got, want);
}

TYPED_TEST(FsTest, CopyRangeCopiesBytes) {
  std::string data(3 << 20, 'q');
  data[12345] = 'z';
  this->write("in", data);
  auto root = this->fs_.open_root(this->dir_, false);
  auto in = this->fs_.open_at(root->get(), "in", O_RDONLY);
  auto out = this->fs_.open_at(root->get(), "out", O_WRONLY | O_CREAT | O_EXCL, 0600);
  ASSERT_TRUE(in.is_ok() && out.is_ok());
  off_t pos = 0;
  for (;;) {
    auto n = this->fs_.copy_range(in->get(), pos, out->get(), pos, 1 << 20);
    ASSERT_TRUE(n.is_ok()) << n.status().to_string();
    if (*n == 0) break;
    pos += static_cast<off_t>(*n);
  }
  out->reset();
  EXPECT_EQ(this->read("out"), data);
}

TYPED_TEST(FsTest, CopyRangeFallsBackToABufferAcrossFileSystems) {
  // /dev/shm is a tmpfs, the test directory is not: the kernel answers EXDEV.
  std::string data((1 << 20) + 12345, 'r');
  data[777] = 's';
  this->write("in", data);
  char shm_tmpl[] = "/dev/shm/lifeboat-fs-test-XXXXXX";
  int shm = ::mkstemp(shm_tmpl);
  if (shm < 0) GTEST_SKIP() << "no /dev/shm here";
  Fd out(shm);
  auto root = this->fs_.open_root(this->dir_, false);
  auto in = this->fs_.open_at(root->get(), "in", O_RDONLY);
  ASSERT_TRUE(in.is_ok());
  off_t pos = 0;
  for (;;) {
    auto n = this->fs_.copy_range(in->get(), pos, out.get(), pos, 1 << 20);
    ASSERT_TRUE(n.is_ok()) << n.status().to_string();
    if (*n == 0) break;
    pos += static_cast<off_t>(*n);
  }
  std::ifstream copied(shm_tmpl, std::ios::binary);
  std::string got{std::istreambuf_iterator<char>(copied), {}};
  ::unlink(shm_tmpl);
  EXPECT_EQ(got, data);
}

TYPED_TEST(FsTest, AnUnnamedFileGetsItsNameOnlyWhenLinkedAndNeverReplacesOne) {
  auto root = this->fs_.open_root(this->dir_, false);
  ASSERT_TRUE(root.is_ok());
  auto file = this->fs_.open_unnamed(root->get(), "named", O_RDWR, 0640);
  if (!file.is_ok() && is_unnamed_unsupported(file.status().sys_errno())) {
    GTEST_SKIP() << "no O_TMPFILE on this file system";
  }
  ASSERT_TRUE(file.is_ok()) << file.status().to_string();
  ASSERT_TRUE(this->fs_.pwrite(file->get(), "complete", 8, 0).is_ok());
  EXPECT_TRUE(this->fs_.start_writeback(file->get(), 0, 8));
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(this->dir_)) ++entries;
  EXPECT_EQ(entries, 0U) << "an unnamed file has no entry before it is linked";
  ASSERT_TRUE(this->fs_.link_fd(file->get(), root->get(), "named"));
  EXPECT_EQ(this->read("named"), "complete");
  // A second name is fine; an existing name is never replaced.
  EXPECT_TRUE(this->fs_.link_fd(file->get(), root->get(), "second"));
  this->write("taken", "keep me");
  core::Status again = this->fs_.link_fd(file->get(), root->get(), "taken");
  EXPECT_EQ(again.sys_errno(), EEXIST);
  EXPECT_EQ(this->read("taken"), "keep me");
}

TYPED_TEST(FsTest, DurableWriteReplacesWholeAndLeavesNoTemporary) {
  this->write("report.json", "old");
  ASSERT_TRUE(write_file_durably(this->fs_, this->dir_ + "/report.json", "new contents", 0640));
  EXPECT_EQ(this->read("report.json"), "new contents");
  struct stat st {};
  ASSERT_EQ(::stat((this->dir_ + "/report.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640U);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(this->dir_)) ++entries;
  EXPECT_EQ(entries, 1U);
}

TYPED_TEST(FsTest, DurableWriteFailureKeepsTheOldFileAndRemovesTheTemporary) {
  this->write("report.json", "old");
  FaultInjectingFileSystem faulty(this->fs_);
  faulty.add_rule({FaultOp::kWrite, "", ENOSPC});
  core::Status st = write_file_durably(faulty, this->dir_ + "/report.json", "new");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.code(), core::StatusCode::kNoSpace);
  EXPECT_EQ(this->read("report.json"), "old");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(this->dir_)) ++entries;
  EXPECT_EQ(entries, 1U);
}

// --report /dev/null, /dev/stdout or a pipe: written to, never replaced by a regular file
// (as root, renaming over /dev/null would break the whole system).
TYPED_TEST(FsTest, DurableWriteToADeviceOrFifoWritesThroughAndNeverReplacesIt) {
  // A node of its own like /dev/null (char 1:3), so that a regression cannot break this host.
  struct stat st {};
  const std::string null_dev = this->dir_ + "/null";
  if (::mknod(null_dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) {
    ASSERT_TRUE(write_file_durably(this->fs_, null_dev, "discarded"));
    ASSERT_EQ(::lstat(null_dev.c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
  } else {
    EXPECT_EQ(errno, EPERM) << "mknod";  // not root: the fifo below still covers the rule
  }

  const std::string fifo = this->dir_ + "/pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ASSERT_EQ(::symlink("pipe", (this->dir_ + "/via-link").c_str()), 0);
  std::string got;
  std::thread reader([&] {
    std::ifstream in(fifo, std::ios::binary);
    got.assign(std::istreambuf_iterator<char>(in), {});
  });
  core::Status written = write_file_durably(this->fs_, this->dir_ + "/via-link", "{\"status\": 1}");
  // Had the write not gone through the pipe, the reader would wait for a writer for ever.
  ::close(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  reader.join();
  ASSERT_TRUE(written) << written.to_string();
  EXPECT_EQ(got, "{\"status\": 1}");
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  ASSERT_EQ(::lstat((this->dir_ + "/via-link").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TYPED_TEST(FsTest, FaultInjectionFailsOnlyTheChosenCallsAndName) {
  this->write("a.txt", "aaa");
  this->write("b.txt", "bbb");
  FaultInjectingFileSystem injector(this->fs_);
  injector.add_rule({FaultOp::kRead, "b.txt", EIO});
  injector.add_rule({FaultOp::kOpen, "c.txt", EACCES, 1});
  FileSystem& faulty = injector;
  auto root = faulty.open_root(this->dir_, false);
  ASSERT_TRUE(root.is_ok());
  char buf[8];
  auto a = faulty.open_at(root->get(), "a.txt", O_RDONLY);
  auto b = faulty.open_at(root->get(), "b.txt", O_RDONLY);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_TRUE(faulty.pread(a->get(), buf, sizeof buf, 0).is_ok());
  auto bad = faulty.pread(b->get(), buf, sizeof buf, 0);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().sys_errno(), EIO);

  this->write("c.txt", "ccc");
  auto c1 = faulty.open_at(root->get(), "c.txt", O_RDONLY);
  ASSERT_FALSE(c1.is_ok());
  EXPECT_EQ(c1.status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_TRUE(faulty.open_at(root->get(), "c.txt", O_RDONLY).is_ok()) << "rule retires after 1";
  EXPECT_EQ(injector.faults_injected(), 2);
}

TYPED_TEST(FsTest, XattrsAndAclsRoundTrip) {
  this->write("f", "x");
  auto root = this->fs_.open_root(this->dir_, false);
  auto fd = this->fs_.open_at(root->get(), "f", O_RDONLY);
  ASSERT_TRUE(fd.is_ok());
  core::Status set = this->fs_.set_xattr(fd->get(), "", "user.colour", std::string("bl\0ue", 5));
  if (!set && set.sys_errno() == ENOTSUP) GTEST_SKIP() << "no user xattrs on " << this->dir_;
  ASSERT_TRUE(set) << set.to_string();
  auto keys = this->fs_.list_xattrs(fd->get(), "");
  ASSERT_TRUE(keys.is_ok());
  EXPECT_NE(std::find(keys->begin(), keys->end(), "user.colour"), keys->end());
  auto value = this->fs_.get_xattr(fd->get(), "", "user.colour");
  ASSERT_TRUE(value.is_ok());
  EXPECT_EQ(*value, std::string("bl\0ue", 5));

  auto none = this->fs_.get_acl(fd->get(), AclKind::kAccess);
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(*none, "") << "a file with only mode bits has no extended ACL";
  ASSERT_TRUE(
      this->fs_.set_acl(fd->get(), AclKind::kAccess, "u::rw-,u:4321:r--,g::r--,m::r--,o::---"));
  auto acl = this->fs_.get_acl(fd->get(), AclKind::kAccess);
  ASSERT_TRUE(acl.is_ok());
  EXPECT_NE(acl->find("user:4321:r--"), std::string::npos) << *acl;
}

}  // namespace
}  // namespace lifeboat::fs

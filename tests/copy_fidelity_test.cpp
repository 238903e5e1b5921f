// `lifeboat copy` keeps everything the README's `lifeboat copy` section says a copy keeps: a tree
// with every kind of entry is copied by the real binary and the manifests of source and target
// compared field by field. Also the owner/group remap, --owner none, --perms none and --devices.
// These tests run as root (they chown to arbitrary ids, set trusted.* xattrs and mknod).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/acl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "support/copy_fixture.h"
#include "support/manifest.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
// Distinct, odd nanosecond values so a copy that truncates to seconds or microseconds shows.
constexpr std::int64_t kBaseTime = 1'600'000'000 * kSecond + 123'456'789;

const std::string kNewlineName = "new\nline";
const std::string kInvalidUtf8Name = "bad-\xff\xfe-utf8";
const std::string kLongName(255, 'n');
const std::string kDeepDirName(200, 'd');
constexpr int kDeepLevels = 30;  // 30 * 201 bytes: well beyond PATH_MAX (4096)

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("fixture: " + what + ": " + std::strerror(errno));
}

void mkdir_mode(const std::string& path, mode_t mode) {
  check(mkdir(path.c_str(), 0700) == 0, "mkdir " + path);
  check(chmod(path.c_str(), mode) == 0, "chmod " + path);
}

void file_mode(const std::string& path, const std::string& contents, mode_t mode) {
  write_file(path, contents);
  check(chmod(path.c_str(), mode) == 0, "chmod " + path);
}

void symlink_to(const std::string& target, const std::string& path) {
  check(symlink(target.c_str(), path.c_str()) == 0, "symlink " + path);
}

void set_acl(const std::string& path, acl_type_t type, const char* text) {
  acl_t acl = acl_from_text(text);
  check(acl != nullptr, std::string("acl_from_text ") + text);
  int rc = acl_set_file(path.c_str(), type, acl);
  acl_free(acl);
  check(rc == 0, "acl_set_file " + path);
}

void set_xattr(const std::string& path, const std::string& name, const std::string& value) {
  check(lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) == 0,
        "lsetxattr " + name + " " + path);
}

// A sparse file: `size` bytes with data only in a few places.
void make_sparse(const std::string& path, off_t size) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  check(fd >= 0, "create " + path);
  const std::string data = pseudo_random_bytes(64 * 1024, 7);
  for (off_t at : {off_t{0}, size / 3, size - static_cast<off_t>(data.size())}) {
    check(pwrite(fd, data.data(), data.size(), at) == static_cast<ssize_t>(data.size()),
          "pwrite " + path);
  }
  check(ftruncate(fd, size) == 0, "ftruncate " + path);
  close(fd);
}

class CopyFidelityTest : public ::testing::Test {
 protected:
  void TearDown() override {
    remove_tree(src_);
    remove_tree(dst_);
  }

  // Regular, empty, big and sparse files; empty and nested directories; symlinks of every
  // sort; hard links; special mode bits; owners; times; xattrs; ACLs; odd names; a deep chain.
  void build_full_tree() {
    mkdir_mode(src_, 0755);
    file_mode(src_ + "/plain.txt", "i don't want to lose access to this file\n", 0644);
    file_mode(src_ + "/empty", "", 0600);
    file_mode(src_ + "/big.bin", pseudo_random_bytes(6 * 1024 * 1024 + 17, 1), 0640);
    make_sparse(src_ + "/sparse.img", 64 * 1024 * 1024);
    mkdir_mode(src_ + "/emptydir", 0700);
    mkdir_mode(src_ + "/dir", 0755);
    mkdir_mode(src_ + "/dir/sub", 0750);
    mkdir_mode(src_ + "/dir/sub/deeper", 0755);
    file_mode(src_ + "/dir/sub/deeper/notebook.ipynb", R"({"cells": []})", 0664);

    mkdir_mode(src_ + "/links", 0755);
    symlink_to("../plain.txt", src_ + "/links/relative");
    symlink_to("/etc/passwd", src_ + "/links/absolute");
    symlink_to("no/such/target", src_ + "/links/dangling");
    symlink_to("../dir", src_ + "/links/to_dir");
    symlink_to("self", src_ + "/links/self");
    symlink_to(std::string("odd\ntarget-\xff-bytes"), src_ + "/links/odd_target");

    mkdir_mode(src_ + "/hard", 0755);
    file_mode(src_ + "/hard/a", "shared inode\n", 0644);
    check(link((src_ + "/hard/a").c_str(), (src_ + "/hard/b").c_str()) == 0, "link b");
    check(link((src_ + "/hard/a").c_str(), (src_ + "/dir/c").c_str()) == 0, "link c");

    mkdir_mode(src_ + "/modes", 0755);
    file_mode(src_ + "/modes/setuid", "#!/bin/sh\n", 04755);
    file_mode(src_ + "/modes/setgid", "#!/bin/sh\n", 02711);
    file_mode(src_ + "/modes/odd", "odd\n", 0604);
    file_mode(src_ + "/modes/none", "no access\n", 0000);
    mkdir_mode(src_ + "/modes/sticky", 01777);
    mkdir_mode(src_ + "/modes/setgid_dir", 02775);
    mkdir_mode(src_ + "/modes/closed_dir", 0000);

    mkdir_mode(src_ + "/owners", 0755);
    file_mode(src_ + "/owners/u1001", "1001\n", 0644);
    set_owner(src_ + "/owners/u1001", 1001, 1001);
    file_mode(src_ + "/owners/u2002", "2002\n", 04750);
    set_owner(src_ + "/owners/u2002", 2002, 3003);
    check(chmod((src_ + "/owners/u2002").c_str(), 04750) == 0, "chmod after chown");
    mkdir_mode(src_ + "/owners/d4004", 02770);
    set_owner(src_ + "/owners/d4004", 4004, 1001);
    check(chmod((src_ + "/owners/d4004").c_str(), 02770) == 0, "chmod after chown");
    file_mode(src_ + "/owners/d4004/inner", "inner\n", 0640);
    set_owner(src_ + "/owners/d4004/inner", 1001, 2002);
    symlink_to("u1001", src_ + "/owners/link1001");
    set_owner(src_ + "/owners/link1001", 1001, 2002);

    mkdir_mode(src_ + "/xattrs", 0755);
    file_mode(src_ + "/xattrs/file", "with xattrs\n", 0644);
    set_xattr(src_ + "/xattrs/file", "user.comment", "hello");
    set_xattr(src_ + "/xattrs/file", "user.binary", std::string("\0\x01\xff\n", 4));
    set_xattr(src_ + "/xattrs/file", "user.big", pseudo_random_bytes(3000, 3));
    set_xattr(src_ + "/xattrs/file", "trusted.lifeboat", "trusted value");
    set_xattr(src_ + "/xattrs/file", "security.lifeboat", "security value");
    set_xattr(src_ + "/xattrs", "user.on_dir", "dir value");
    set_xattr(src_ + "/xattrs", "trusted.on_dir", "dir trusted");

    mkdir_mode(src_ + "/acls", 0755);
    file_mode(src_ + "/acls/file", "acl\n", 0640);
    set_acl(src_ + "/acls/file", ACL_TYPE_ACCESS,
            "u::rw-,u:3000:r--,g::r--,g:3001:rw-,m::rw-,o::---");
    mkdir_mode(src_ + "/acls/dir", 0750);
    set_acl(src_ + "/acls/dir", ACL_TYPE_ACCESS, "u::rwx,u:3000:r-x,g::r-x,m::r-x,o::---");
    set_acl(src_ + "/acls/dir", ACL_TYPE_DEFAULT, "u::rwx,u:3002:rwx,g::r-x,m::rwx,o::---");

    mkdir_mode(src_ + "/names", 0755);
    for (const std::string& name :
         {kNewlineName, kInvalidUtf8Name, kLongName, std::string(" leading space"),
          std::string("-dash"), std::string("back\\slash"), std::string("\xc3\xbcnicode"),
          std::string("tab\there"), std::string("...")}) {
      write_file(src_ + "/names/" + name, "name: " + name);
    }
    mkdir_mode(src_ + "/names/" + std::string(255, 'D'), 0755);
    write_file(src_ + "/names/" + std::string(255, 'D') + "/" + kNewlineName + kInvalidUtf8Name,
               "both\n");

    mkdir_mode(src_ + "/deep", 0755);
    make_deep_chain(src_ + "/deep", kDeepDirName, kDeepLevels, "bottom.txt", "at the bottom\n");

    // Times last, children before parents: creating entries changes a directory's mtime.
    std::int64_t t = kBaseTime;
    for (const char* rel : {"plain.txt",
                            "empty",
                            "big.bin",
                            "sparse.img",
                            "dir/sub/deeper/notebook.ipynb",
                            "links/relative",
                            "links/absolute",
                            "links/dangling",
                            "links/self",
                            "hard/a",
                            "modes/setuid",
                            "owners/u1001",
                            "owners/link1001",
                            "xattrs/file",
                            "acls/file",
                            "dir/sub/deeper",
                            "dir/sub",
                            "dir",
                            "links",
                            "hard",
                            "modes/sticky",
                            "modes",
                            "owners",
                            "xattrs",
                            "acls/dir",
                            "acls",
                            "emptydir"}) {
      set_times(src_ + "/" + rel, t - 86'400 * kSecond + 1, t);
      t += 3 * kSecond + 111'111;
    }
  }

  // The whole fixture copied with `options`; every entry compared with its source.
  void expect_every_kind_kept(const std::vector<std::string>& options) {
    build_full_tree();
    const Manifest source = take_manifest(src_);
    // The fixture itself must be what it claims to be.
    ASSERT_LT(source.at("sparse.img").blocks, 64u * 1024 * 1024 / 512 / 4) << "fixture not sparse";
    ASSERT_EQ(source.at("hard/b").hardlink_group, "dir/c");
    ASSERT_FALSE(source.at("acls/dir").acl_default.empty());

    CopyRun run = copy(options);
    ASSERT_EQ(run.process.exit_code, 0) << run.describe();
    EXPECT_EQ(run.status(), "SUCCESS") << run.describe();
    EXPECT_EQ(run.field("files_failed"), 0) << run.describe();

    const Manifest target = take_manifest(dst_);
    auto diffs = diff_manifests(source, target);
    EXPECT_TRUE(diffs.empty()) << diffs.size() << " differences:\n" << diff_text(diffs);
    // The deep leaf is compared like any entry above; say so plainly if it is the one missing.
    std::string leaf = "deep";
    for (int i = 0; i < kDeepLevels; ++i) leaf += "/" + kDeepDirName;
    EXPECT_TRUE(target.contains(leaf + "/bottom.txt")) << "the chain deeper than PATH_MAX";
    // The source is never changed by a copy (compare all but atimes: reading may touch them).
    auto source_after = diff_manifests(source, take_manifest(src_), DiffOptions::without_atime());
    EXPECT_TRUE(source_after.empty()) << "source changed:\n" << diff_text(source_after);
  }

  CopyRun copy(const std::vector<std::string>& options = {}) {
    return run_copy(src_, dst_, options);
  }

  TempDir tmp_;
  std::string src_ = tmp_ / "src";
  std::string dst_ = tmp_ / "dst";
};

TEST_F(CopyFidelityTest, EveryKindOfEntryIsKept) { expect_every_kind_kept({}); }

// As on EFS/NFS and FUSE, where there are no unnamed files: temporary name + rename.
TEST_F(CopyFidelityTest, EveryKindOfEntryIsKeptWithTemporaryNames) {
  expect_every_kind_kept({"--temp-names"});
}

// atime before mtime: the case where (under relatime) any read of the copy moves its atime, so a
// copy that sets times and then reads the file back to verify it loses the atime.
TEST_F(CopyFidelityTest, TimesAreKeptToTheNanosecondWhateverTheVerifyMode) {
  mkdir_mode(src_, 0755);
  mkdir_mode(src_ + "/dir", 0755);
  file_mode(src_ + "/dir/file", "contents\n", 0644);
  symlink_to("file", src_ + "/dir/link");
  set_times(src_ + "/dir/file", kBaseTime - 7 * 86'400 * kSecond + 1, kBaseTime);
  set_times(src_ + "/dir/link", kBaseTime + 1, kBaseTime + 2);
  set_times(src_ + "/dir", kBaseTime + 3, kBaseTime + 4);
  const Manifest source = take_manifest(src_);
  for (const char* verify : {"none", "transferred", "all"}) {
    for (const char* names : {"", "--temp-names"}) {
      std::vector<std::string> options = {"--verify", verify};
      if (*names != '\0') options.emplace_back(names);
      CopyRun run = copy(options);
      ASSERT_EQ(run.process.exit_code, 0) << run.describe();
      auto diffs = diff_manifests(source, take_manifest(dst_));
      EXPECT_TRUE(diffs.empty()) << "--verify " << verify << " " << names << ":\n"
                                 << diff_text(diffs);
      remove_tree(dst_);
    }
  }
}

TEST_F(CopyFidelityTest, SymlinkTrustedXattrsAreKept) {
  mkdir_mode(src_, 0755);
  symlink_to("somewhere", src_ + "/link");
  set_xattr(src_ + "/link", "trusted.on_link", "link value");
  const Manifest source = take_manifest(src_);
  CopyRun run = copy();
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  auto diffs = diff_manifests(source, take_manifest(dst_));
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
}

TEST_F(CopyFidelityTest, OwnerAndGroupMapRemapsIdsAndKeepsTheRest) {
  build_full_tree();
  Manifest expected = take_manifest(src_);
  CopyRun run = copy({"--owner", "map:1001=5001,2002=5002", "--group", "map:1001=6001"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  int remapped = 0;
  for (auto& [path, entry] : expected.entries) {
    if (entry.uid == 1001) entry.uid = 5001;
    if (entry.uid == 2002) entry.uid = 5002;
    if (entry.gid == 1001) entry.gid = 6001;
    remapped += entry.uid >= 5001 ? 1 : 0;
    // Remapped owners: files lose setuid/setgid (directories keep setgid) unless asked.
    if (entry.type != EntryType::kDirectory) entry.mode &= ~static_cast<mode_t>(06000);
  }
  ASSERT_GE(remapped, 4);
  const Manifest target = take_manifest(dst_);
  auto diffs = diff_manifests(expected, target);
  EXPECT_TRUE(diffs.empty()) << diffs.size() << " differences:\n" << diff_text(diffs);
  EXPECT_EQ(target.at("owners/u2002").mode, 0750u);
  EXPECT_EQ(target.at("owners/d4004").mode, 02770u);

  // chown clears set-id bits: with --keep-setuid the engine must chmod after chown.
  remove_tree(dst_);
  run = copy({"--owner", "map:1001=5001,2002=5002", "--group", "map:1001=6001", "--keep-setuid"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  const Manifest kept = take_manifest(dst_);
  EXPECT_EQ(kept.at("owners/u2002").mode, 04750u);
  EXPECT_EQ(kept.at("owners/d4004").mode, 02770u);
}

TEST_F(CopyFidelityTest, OwnerNoneAndGroupNoneLeaveTheCopiersIds) {
  build_full_tree();
  const Manifest source = take_manifest(src_);
  CopyRun run = copy({"--owner", "none"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  Manifest target = take_manifest(dst_);
  for (const auto& [path, entry] : target.entries) {
    EXPECT_EQ(entry.uid, getuid()) << printable_path(path);
    EXPECT_EQ(entry.gid, source.at(path).gid) << "--group preserve: " << printable_path(path);
  }

  remove_tree(dst_);
  run = copy({"--group", "none"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  target = take_manifest(dst_);
  for (const auto& [path, entry] : target.entries) {
    EXPECT_EQ(entry.gid, getgid()) << printable_path(path);
    EXPECT_EQ(entry.uid, source.at(path).uid) << "--owner preserve: " << printable_path(path);
  }
}

TEST_F(CopyFidelityTest, PermsNoneDoesNotCarryModeBits) {
  build_full_tree();
  const Manifest source = take_manifest(src_);
  CopyRun run = copy({"--perms", "none"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  const Manifest target = take_manifest(dst_);
  DiffOptions all_but_mode;
  all_but_mode.mode = false;
  all_but_mode.acls = false;  // an ACL is permissions too
  auto diffs = diff_manifests(source, target, all_but_mode);
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
  for (const auto& [path, entry] : target.entries) {
    if (entry.type == EntryType::kSymlink) continue;
    EXPECT_EQ(entry.mode & 07000, 0u) << "set-id/sticky bit carried to " << printable_path(path);
  }
  // Modes unusual enough that no default produces them.
  for (const char* rel : {"modes/odd", "modes/none", "modes/setgid", "modes/closed_dir"}) {
    EXPECT_NE(target.at(rel).mode, source.at(rel).mode) << rel << " kept its mode";
  }
}

// Fifos, sockets and devices: recreated with --devices, skipped (and each one reported)
// without it. Neither way is a fifo opened: a fifo with no writer would hang a reader.
class CopyDevicesTest : public CopyFidelityTest {
 protected:
  void build_special_tree() {
    mkdir_mode(src_, 0755);
    write_file(src_ + "/regular.txt", "regular\n");
    check(mkfifo((src_ + "/a_fifo").c_str(), 0640) == 0, "mkfifo");
    check(mknod((src_ + "/a_chardev").c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0, "mknod c");
    check(mknod((src_ + "/a_blockdev").c_str(), S_IFBLK | 0600, makedev(7, 200)) == 0, "mknod b");
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    check(sock >= 0, "socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string sock_path = src_ + "/a_socket";
    ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, sock_path.c_str(), sock_path.size() + 1);
    int rc = bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    close(sock);
    check(rc == 0, "bind " + sock_path);
    set_owner(src_ + "/a_fifo", 1001, 1002);
    set_owner(src_ + "/a_chardev", 1003, 1004);
    set_times(src_ + "/a_fifo", kBaseTime, kBaseTime + kSecond);
    set_times(src_ + "/a_chardev", kBaseTime, kBaseTime + 2 * kSecond);
  }
};

TEST_F(CopyDevicesTest, DevicesFlagRecreatesFifosSocketsAndDevices) {
  build_special_tree();
  const Manifest source = take_manifest(src_);
  CopyRun run = copy({"--devices"});
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  auto diffs = diff_manifests(source, take_manifest(dst_));
  EXPECT_TRUE(diffs.empty()) << diff_text(diffs);
}

TEST_F(CopyDevicesTest, DefaultSkipsEachSpecialFileAndReportsIt) {
  build_special_tree();
  CopyRun run = run_copy(src_, dst_, {}, 60);
  ASSERT_NE(run.process.exit_code, 124) << "copy hung (a fifo opened?)\n" << run.describe();
  ASSERT_TRUE(run.process.exit_code == 0 || run.process.exit_code == 1) << run.describe();
  EXPECT_NE(run.status(), "ERROR") << run.describe();
  const Manifest target = take_manifest(dst_);
  EXPECT_TRUE(target.contains("regular.txt")) << run.describe();
  const std::string said = run.process.out + run.process.err + run.report_text;
  for (const char* name : {"a_fifo", "a_chardev", "a_blockdev", "a_socket"}) {
    EXPECT_FALSE(target.contains(name)) << name << " was recreated without --devices";
    EXPECT_NE(said.find(name), std::string::npos) << name << " skipped silently\n"
                                                  << run.describe();
  }
}

}  // namespace
}  // namespace lifeboat::testing

// What --verify catches: a copy whose bytes are damaged on the way (a byte flipped as the
// source is read or as the target is written, by the fault-injecting file system) must be
// reported, and — where the verify runs before the file is put in place — never appear
// under its name in the target.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "fs/fault_injecting_file_system.h"
#include "transfer/copy_test_fixture.h"

namespace lifeboat::transfer {
namespace {

namespace sfs = std::filesystem;

// A file written in one pwrite (up to 64 KiB) and one the copier hands to the kernel
// (copy_file_range): the two ways data reaches the target.
struct FileCase {
  const char* label;
  size_t size;
  off_t corrupt_at;
};
constexpr FileCase kSmall{"small", 40000, 30000};
constexpr FileCase kLarge{"large", 3 << 20, (1 << 20) + 17};

class CopyVerifyTest : public CopyTreeTest {
 protected:
  CopyVerifyTest() : CopyTreeTest("lifeboat-copy-verify-test") {}

  static std::string pattern(size_t size) {
    std::string text(size, '\0');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i % 23);
    return text;
  }

  // A tree of "victim.bin" (the case's size) and "intact.txt", shorter than the offset that
  // is corrupted, so a rule for every name can only hit the victim. (A rule for every name
  // matches a target file written under a temporary name, too.)
  void make_tree(const FileCase& c) {
    victim_ = pattern(c.size);
    write(src_ + "/victim.bin", victim_);
    write(src_ + "/intact.txt", "untouched");
  }

  // The report names the victim alone, with a verify failure, and the rest was copied.
  void expect_reported(const CopyReport& r, const std::string& reason) {
    EXPECT_EQ(r.status, CopyStatus::kPartial);
    EXPECT_EQ(r.files_failed, 1U);
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_EQ(r.errors[0].path, "victim.bin");
    EXPECT_NE(r.errors[0].reason.find(reason), std::string::npos) << r.errors[0].reason;
    EXPECT_EQ(read(dst_ + "/intact.txt"), "untouched");
  }

  // Nothing in the target but the intact file: no corrupt victim, no temporary.
  void expect_no_corrupt_file() {
    EXPECT_FALSE(sfs::exists(sfs::symlink_status(dst_ + "/victim.bin")))
        << "a corrupt copy sits under its final name";
    std::vector<std::string> names;
    for (const auto& e : sfs::directory_iterator(dst_)) names.push_back(e.path().filename());
    EXPECT_EQ(names, std::vector<std::string>{"intact.txt"});
  }

  // Copies a fresh tree for case `c` with `verify` through a file system that corrupts
  // once, as `op` on `name` ("" : any file), the byte at the case's offset.
  CopyReport copy_corrupted(const FileCase& c, VerifyMode verify, fs::FaultOp op,
                            const std::string& name) {
    sfs::remove_all(dst_);
    make_tree(c);
    options_.verify = verify;
    fs::FaultInjectingFileSystem faulty(base());
    faulty.add_corruption({op, name, c.corrupt_at, 1});
    CopyReport r = copy(faulty);
    EXPECT_EQ(faulty.corruptions_injected(), 1) << "the corruption never happened";
    return r;
  }

  std::string victim_;
};

TEST_P(CopyVerifyTest, WithoutVerifyACorruptWriteGoesUnnoticed) {
  // The control: the injected damage does reach the target, and only a verify can see it.
  for (const FileCase& c : {kSmall, kLarge}) {
    SCOPED_TRACE(c.label);
    CopyReport r = copy_corrupted(c, VerifyMode::kNone, fs::FaultOp::kWrite, "");
    EXPECT_EQ(r.status, CopyStatus::kSuccess);
    std::string copied = read(dst_ + "/victim.bin");
    ASSERT_EQ(copied.size(), victim_.size());
    EXPECT_NE(copied, victim_);
    EXPECT_EQ(copied[c.corrupt_at], static_cast<char>(~victim_[c.corrupt_at]));
  }
}

TEST_P(CopyVerifyTest, VerifyTransferredDiscardsACopyCorruptedAsItIsWritten) {
  for (const FileCase& c : {kSmall, kLarge}) {
    SCOPED_TRACE(c.label);
    CopyReport r = copy_corrupted(c, VerifyMode::kTransferred, fs::FaultOp::kWrite, "");
    expect_reported(r, "checksum differs");
    expect_no_corrupt_file();
    // The damage was one-off: the next run copies the file whole.
    CopyReport again = copy(base_);
    EXPECT_EQ(again.status, CopyStatus::kSuccess);
    EXPECT_EQ(read(dst_ + "/victim.bin"), victim_);
  }
}

TEST_P(CopyVerifyTest, VerifyAllReportsACopyCorruptedAsItIsWritten) {
  for (const FileCase& c : {kSmall, kLarge}) {
    SCOPED_TRACE(c.label);
    CopyReport r = copy_corrupted(c, VerifyMode::kAll, fs::FaultOp::kWrite, "");
    expect_reported(r, "differs");
  }
}

TEST_P(CopyVerifyTest, VerifyAllReportsACopyOfACorruptSourceRead) {
  // The source read is damaged once (a transient fault). Whichever check sees it first —
  // each file's check before it is placed, or the whole-tree compare at the end, which
  // reads the source again — the file is reported once, as differing.
  for (const FileCase& c : {kSmall, kLarge}) {
    SCOPED_TRACE(c.label);
    CopyReport r = copy_corrupted(c, VerifyMode::kAll, fs::FaultOp::kRead, "victim.bin");
    expect_reported(r, "differs");
  }
}

// `--verify all` checks each written file before placing it, as `--verify transferred`
// does, and then compares the trees: a corrupt copy is never left under its final name,
// and it is reported once.
TEST_P(CopyVerifyTest, VerifyAllLeavesNoCorruptFileUnderItsName) {
  for (const FileCase& c : {kSmall, kLarge}) {
    SCOPED_TRACE(c.label);
    CopyReport r = copy_corrupted(c, VerifyMode::kAll, fs::FaultOp::kWrite, "");
    expect_reported(r, "differs");
    expect_no_corrupt_file();
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, CopyVerifyTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "UnnamedFiles" : "TemporaryNames";
                         });

}  // namespace
}  // namespace lifeboat::transfer

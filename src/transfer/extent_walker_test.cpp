#include "transfer/extent_walker.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fs/posix_file_system.h"
#include "transfer/content_hasher.h"
#include "transfer/data_copy.h"

namespace lifeboat::transfer {
namespace {

namespace sfs = std::filesystem;
constexpr std::uint64_t kMiB = 1 << 20;

class ExtentWalkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lifeboat-extent-walker-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { sfs::remove_all(dir_); }

  // A file of `size` bytes with `text` written at each of `at`, the rest left as holes.
  int make_file(std::uint64_t size, const std::vector<std::uint64_t>& at, const std::string& text) {
    int fd = ::open((dir_ + "/f").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    EXPECT_GE(fd, 0);
    for (auto pos : at) {
      EXPECT_EQ(::pwrite(fd, text.data(), text.size(), static_cast<off_t>(pos)),
                static_cast<ssize_t>(text.size()));
    }
    EXPECT_EQ(::ftruncate(fd, static_cast<off_t>(size)), 0);
    EXPECT_EQ(::fsync(fd), 0);
    fds_.push_back(fd);
    return fd;
  }
  struct Walk {
    std::uint64_t end = 0;
    std::uint64_t holes = 0;
    std::uint64_t data = 0;
    std::vector<std::pair<off_t, std::size_t>> pieces;
  };
  Walk walk(int fd, std::uint64_t size, bool sparse, std::size_t chunk) {
    Walk w;
    auto end = walk_extents(
        fs_, fd, size, sparse, chunk, [&w](std::uint64_t n) { w.holes += n; },
        [&w](off_t pos, std::size_t n) -> core::Result<std::size_t> {
          w.pieces.emplace_back(pos, n);
          w.data += n;
          return n;
        });
    EXPECT_TRUE(end.is_ok()) << end.status().to_string();
    w.end = end.is_ok() ? *end : 0;
    return w;
  }
  ~ExtentWalkerTest() override {
    for (int fd : fds_) ::close(fd);
  }

  std::string dir_;
  std::vector<int> fds_;
  fs::PosixFileSystem& fs_ = fs::PosixFileSystem::instance();
};

TEST_F(ExtentWalkerTest, NotSparseEverythingIsDataInBoundedPieces) {
  int fd = make_file(3 * kMiB + 5, {0}, "abc");
  Walk w = walk(fd, 3 * kMiB + 5, false, kMiB);
  EXPECT_EQ(w.end, 3 * kMiB + 5);
  EXPECT_EQ(w.holes, 0U);
  EXPECT_EQ(w.data, 3 * kMiB + 5);
  ASSERT_EQ(w.pieces.size(), 4U);
  EXPECT_EQ(w.pieces[3], (std::pair<off_t, std::size_t>{3 * kMiB, 5}));
}

TEST_F(ExtentWalkerTest, SparseHolesAreSkippedAndTheWholeSizeIsAccountedFor) {
  const std::uint64_t size = 16 * kMiB;
  int fd = make_file(size, {0, 8 * kMiB}, std::string(4096, 'd'));
  Walk w = walk(fd, size, true, kMiB);
  EXPECT_EQ(w.end, size);
  EXPECT_EQ(w.holes + w.data, size);
  // Whatever granularity the file system reports data in, the holes are most of the file
  // and both written places are visited.
  EXPECT_GE(w.holes, size / 2);
  bool saw_first = false, saw_second = false;
  for (auto [pos, n] : w.pieces) {
    EXPECT_LE(n, kMiB);
    if (pos == 0) saw_first = true;
    if (static_cast<std::uint64_t>(pos) <= 8 * kMiB && 8 * kMiB < pos + n) saw_second = true;
  }
  EXPECT_TRUE(saw_first);
  EXPECT_TRUE(saw_second);
}

TEST_F(ExtentWalkerTest, ATrailingHoleIsReportedAsOne) {
  const std::uint64_t size = 8 * kMiB;
  int fd = make_file(size, {0}, std::string(4096, 'd'));
  Walk w = walk(fd, size, true, kMiB);
  EXPECT_EQ(w.end, size);
  EXPECT_EQ(w.holes + w.data, size);
  EXPECT_GE(w.holes, size / 2);
}

TEST_F(ExtentWalkerTest, AFileThatEndsEarlyStopsTheWalkWhereItEnded) {
  int fd = make_file(100, {0}, std::string(100, 'x'));
  // Walked as if it were 1000 bytes long (it shrank since it was stat'ed).
  std::uint64_t seen = 0;
  auto end = walk_extents(
      fs_, fd, 1000, false, 64, [](std::uint64_t) {},
      [&](off_t pos, std::size_t n) -> core::Result<std::size_t> {
        char buf[64];
        auto got = fs_.pread(fd, buf, n, pos);
        if (!got.is_ok()) return got.status();
        seen += *got;
        return *got;
      });
  ASSERT_TRUE(end.is_ok());
  EXPECT_EQ(*end, 100U);
  EXPECT_EQ(seen, 100U);
}

TEST_F(ExtentWalkerTest, AnErrorFromTheVisitorEndsTheWalkWithIt) {
  int fd = make_file(1000, {0}, "x");
  auto end = walk_extents(
      fs_, fd, 1000, false, 64, [](std::uint64_t) {},
      [](off_t, std::size_t) -> core::Result<std::size_t> {
        return core::Status::io_error("boom");
      });
  ASSERT_FALSE(end.is_ok());
  EXPECT_NE(end.status().message().find("boom"), std::string::npos);
}

TEST_F(ExtentWalkerTest, HashingASparseFileSkippingHolesEqualsReadingItAll) {
  const std::uint64_t size = 6 * kMiB + 123;
  int fd = make_file(size, {kMiB, 5 * kMiB}, "some data in the middle");
  auto skipping = hash_file(fs_, fd, size, true);
  auto reading = hash_file(fs_, fd, size, false);
  ASSERT_TRUE(skipping.is_ok());
  ASSERT_TRUE(reading.is_ok());
  EXPECT_EQ(*skipping, *reading);
  // And a file shorter than asked is an error for a hash.
  EXPECT_FALSE(hash_file(fs_, fd, size + 10, false).is_ok());
}

}  // namespace
}  // namespace lifeboat::transfer

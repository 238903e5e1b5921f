// latencyfs, really mounted (FUSE): it passes every operation through to the backing
// directory, charges the configured delay on metadata operations, and — what tree (e) of
// the benchmark depends on — lets concurrent requests overlap their delays (no global lock).
// Skipped where FUSE cannot be mounted (no /dev/fuse, not root).
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/process.h"

namespace lifeboat::bench {
namespace {

using lifeboat::testing::run_process;
using lifeboat::testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr int kLatencyMs = 200;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool is_mount_point(const std::string& path) {
  struct stat here {};
  struct stat parent {};
  return ::stat(path.c_str(), &here) == 0 && ::stat((path + "/..").c_str(), &parent) == 0 &&
         here.st_dev != parent.st_dev;
}

class LatencyFsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/dev/fuse", R_OK | W_OK) != 0 || ::geteuid() != 0) {
      GTEST_SKIP() << "FUSE cannot be mounted here (needs /dev/fuse and root)";
    }
    ::mkdir(backing_.c_str(), 0755);
    ::mkdir(mount_.c_str(), 0755);
    // Entries cached for a minute, so that only the lookups a test means are charged.
    auto started = run_process(
        {LATENCYFS_BIN, backing_, mount_, "-o",
         "latency_us=" + std::to_string(kLatencyMs * 1000) + ",entry_timeout=60,attr_timeout=60"});
    ASSERT_EQ(started.exit_code, 0) << started.err;
    for (int i = 0; i < 200 && !is_mount_point(mount_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_TRUE(is_mount_point(mount_)) << "latencyfs did not mount at " << mount_;
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) run_process({"fusermount3", "-u", mount_});
  }

  // Milliseconds one stat of a name the kernel has not cached takes through the mount.
  double stat_ms(const std::string& name) {
    auto start = Clock::now();
    struct stat st {};
    EXPECT_EQ(::stat((mount_ + "/" + name).c_str(), &st), 0) << name;
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  }

  TempDir tmp_;
  std::string backing_ = tmp_ / "backing";
  std::string mount_ = tmp_ / "mnt";
  bool mounted_ = false;
};

TEST_F(LatencyFsTest, PassesEveryChangeThroughToTheBackingDirectory) {
  { std::ofstream(mount_ + "/a.txt") << "through the mount"; }
  EXPECT_EQ(read_text(backing_ + "/a.txt"), "through the mount");
  ASSERT_EQ(::mkdir((mount_ + "/dir").c_str(), 0750), 0);
  ASSERT_EQ(::rename((mount_ + "/a.txt").c_str(), (mount_ + "/dir/b.txt").c_str()), 0);
  EXPECT_EQ(read_text(backing_ + "/dir/b.txt"), "through the mount");
  ASSERT_EQ(::symlink("b.txt", (mount_ + "/dir/link").c_str()), 0);
  char target[16] = {};
  ASSERT_EQ(::readlink((backing_ + "/dir/link").c_str(), target, sizeof target - 1), 5);
  EXPECT_STREQ(target, "b.txt");
  ASSERT_EQ(::setxattr((mount_ + "/dir/b.txt").c_str(), "user.k", "v", 1, 0), 0);
  char value[4] = {};
  EXPECT_EQ(::getxattr((backing_ + "/dir/b.txt").c_str(), "user.k", value, sizeof value), 1);
  ASSERT_EQ(::unlink((mount_ + "/dir/b.txt").c_str()), 0);
  EXPECT_NE(::access((backing_ + "/dir/b.txt").c_str(), F_OK), 0);
  // And what the backing directory holds is seen through the mount.
  { std::ofstream(backing_ + "/made-below.txt") << "below"; }
  EXPECT_EQ(read_text(mount_ + "/made-below.txt"), "below");
}

TEST_F(LatencyFsTest, ChargesTheDelayOnMetadataAndOverlapsConcurrentRequests) {
  constexpr int kThreads = 8;
  for (int i = 0; i < kThreads; ++i) {
    const std::string dir = backing_ + "/d" + std::to_string(i);
    ::mkdir(dir.c_str(), 0755);
    std::ofstream(dir + "/f") << i;
  }
  // One lookup of an uncached name costs at least the configured delay. (The directories
  // are looked up one by one here: the kernel serialises lookups within one directory, see
  // bench/README.md.)
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_GE(stat_ms("d" + std::to_string(i)), kLatencyMs * 0.9);
  }
  // Eight lookups at once, each in its own directory: with a lock around the delay they
  // would take 8 x 200 ms = 1.6 s; without one, about 200 ms. The bound leaves room for a
  // busy machine (4 x the single delay).
  auto start = Clock::now();
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([this, i] { stat_ms("d" + std::to_string(i) + "/f"); });
  }
  for (auto& t : threads) t.join();
  double total = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_GE(total, kLatencyMs * 0.9);
  EXPECT_LT(total, kLatencyMs * 4.0) << "concurrent requests did not overlap their delays";
}

}  // namespace
}  // namespace lifeboat::bench

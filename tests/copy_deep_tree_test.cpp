// `lifeboat copy` over a tree far deeper than PATH_MAX: a user can make one in their home with
// mkdirat/openat, and the copier must copy it, verify it and remove it (--delete) without
// running out of stack or descriptors — its walks keep a stack of their own and a bounded
// number of directories open.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "support/copy_fixture.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

constexpr int kLevels = 100'000;

// Walks `levels` directories named `name` down from `root`, one descriptor at a time, and
// returns the contents of `leaf` at the bottom ("" if the chain is shorter or has no leaf).
std::string leaf_at_depth(const std::string& root, const std::string& name, int levels,
                          const std::string& leaf) {
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("open " + root + ": " + std::strerror(errno));
  for (int i = 0; i < levels; ++i) {
    int child = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(fd);
    if (child < 0) return "";
    fd = child;
  }
  int file = openat(fd, leaf.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  close(fd);
  if (file < 0) return "";
  std::string out(64, '\0');
  ssize_t n = read(file, out.data(), out.size());
  close(file);
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

class CopyDeepTreeTest : public ::testing::Test {
 protected:
  void TearDown() override {
    // TempDir's own removal cannot go beyond PATH_MAX; this one can.
    remove_tree(src_);
    remove_tree(dst_);
  }

  TempDir tmp_;
  std::string src_ = tmp_ / "src";
  std::string dst_ = tmp_ / "dst";
};

TEST_F(CopyDeepTreeTest, AHundredThousandLevelsAreCopiedVerifiedAndRemoved) {
  ASSERT_EQ(mkdir(src_.c_str(), 0755), 0);
  ASSERT_EQ(mkdir((src_ + "/top").c_str(), 0755), 0);
  make_deep_chain(src_ + "/top", "d", kLevels, "leaf.txt", "at the bottom\n");
  write_file(src_ + "/beside.txt", "beside\n");

  // Under a descriptor limit far below the depth: a walk that held a descriptor or two per
  // level would run out.
  const std::vector<std::string> limited{"prlimit", "--nofile=1024:1024", "--"};
  CopyRun run = run_copy(src_, dst_, {"--verify", "all"}, 280, limited);
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(run.status(), "SUCCESS") << run.describe();
  EXPECT_EQ(run.field("files_failed"), 0) << run.describe();
  // The leaf and beside.txt, compared by the whole-tree verify.
  EXPECT_EQ(run.field("files_verified"), 2) << run.describe();
  EXPECT_EQ(leaf_at_depth(dst_ + "/top", "d", kLevels, "leaf.txt"), "at the bottom\n");

  // Gone from the source: --delete removes the whole chain from the target.
  remove_tree(src_ + "/top");
  run = run_copy(src_, dst_, {"--delete"}, 280, limited);
  ASSERT_EQ(run.process.exit_code, 0) << run.describe();
  EXPECT_EQ(run.field("files_deleted"), kLevels + 2) << run.describe();  // dirs, top, leaf
  EXPECT_FALSE(exists_nofollow(dst_ + "/top"));
  EXPECT_TRUE(exists_nofollow(dst_ + "/beside.txt"));
}

}  // namespace
}  // namespace lifeboat::testing

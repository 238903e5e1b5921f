// The copy's deadline: a wall time on the Copier's clock, checked where a stop request is.
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "fs/posix_file_system.h"
#include "transfer/copier.h"

namespace lifeboat::transfer {
namespace {

namespace sfs = std::filesystem;

class CopierDeadlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lifeboat-copier-deadline-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    sfs::create_directories(dir_ + "/src/sub");
    for (int i = 0; i < 50; ++i) {
      std::ofstream(dir_ + "/src/sub/f" + std::to_string(i)) << "x";
    }
    options_.source = dir_ + "/src";
    options_.target = dir_ + "/dst";
    options_.parallel = 2;
  }
  void TearDown() override { sfs::remove_all(dir_); }

  std::string dir_;
  CopyOptions options_;
  core::FakeClock clock_;
  fs::PosixFileSystem& fs_ = fs::PosixFileSystem::instance();
};

TEST_F(CopierDeadlineTest, APassedDeadlineStopsTheCopyLikeACancellation) {
  auto r = run_copy(fs_, options_, {}, {}, clock_.now() - std::chrono::seconds(1), clock_);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->status, CopyStatus::kError);
  EXPECT_NE(r->message.find("deadline"), std::string::npos) << r->message;
  EXPECT_EQ(r->files_transferred, 0U);
  EXPECT_FALSE(sfs::exists(dir_ + "/dst/sub/f0"));
}

TEST_F(CopierDeadlineTest, ADeadlineAtTheCurrentTimeHasPassed) {
  auto r = Copier(fs_, options_, clock_).run({}, {}, clock_.now());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->status, CopyStatus::kError);
  EXPECT_NE(r->message.find("deadline"), std::string::npos) << r->message;
}

TEST_F(CopierDeadlineTest, AFutureDeadlineLetsTheCopyFinish) {
  auto r = run_copy(fs_, options_, {}, {}, clock_.now() + std::chrono::hours(1), clock_);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->status, CopyStatus::kSuccess) << r->message;
  EXPECT_EQ(r->files_transferred, 50U);
  EXPECT_TRUE(r->message.empty());
}

TEST_F(CopierDeadlineTest, ACancellationIsReportedAsSuchEvenWithADeadlinePassed) {
  std::stop_source stop;
  stop.request_stop();
  auto r = run_copy(fs_, options_, {}, stop.get_token(), clock_.now(), clock_);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->status, CopyStatus::kError);
  EXPECT_NE(r->message.find("cancel"), std::string::npos) << r->message;
}

}  // namespace
}  // namespace lifeboat::transfer

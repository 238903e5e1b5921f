#include "transfer/metadata.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "fs/posix_file_system.h"

namespace lifeboat::transfer {
namespace {

fs::FileStat stat_of(fs::FileType type, mode_t mode, std::uint32_t uid, std::uint32_t gid) {
  fs::FileStat st;
  st.type = type;
  st.mode = mode;
  st.uid = uid;
  st.gid = gid;
  return st;
}

IdMapping parse(const char* spec, bool is_group) {
  auto m = IdMapping::parse(spec, is_group, is_group ? "--group" : "--owner");
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  return m.is_ok() ? *m : IdMapping();
}

// The umask is read when a Metadata is made: set one for the test and put it back.
class MetadataTest : public ::testing::Test {
 protected:
  void SetUp() override { old_umask_ = ::umask(027); }
  void TearDown() override { ::umask(old_umask_); }
  mode_t old_umask_ = 0;
  fs::FileSystem& fs_ = fs::PosixFileSystem::instance();
};

TEST_F(MetadataTest, IdsAreMappedOrLeftAloneAsFchownTakesThem) {
  CopyOptions options;
  options.owner = parse("map:1000=2000", false);
  options.group = parse("none", true);
  Metadata meta(fs_, options);
  const auto st = stat_of(fs::FileType::kRegular, 0644, 1000, 1000);
  const auto ids = meta.ids_for(st);
  EXPECT_EQ(ids.uid, 2000U);
  EXPECT_EQ(ids.gid, static_cast<gid_t>(-1));
  EXPECT_TRUE(ids.any());
  EXPECT_FALSE(meta.owner_differs(st, stat_of(fs::FileType::kRegular, 0644, 2000, 7)));
  EXPECT_TRUE(meta.owner_differs(st, stat_of(fs::FileType::kRegular, 0644, 1000, 7)));

  options.owner = parse("none", false);
  EXPECT_FALSE(Metadata(fs_, options).ids_for(st).any());
}

TEST_F(MetadataTest, RemappedOwnersLoseSetuidOnFilesNotOnDirectoriesUnlessKept) {
  CopyOptions options;
  options.owner = parse("map:1000=2000", false);
  const auto file = stat_of(fs::FileType::kRegular, 06755, 1000, 1000);
  const auto dir = stat_of(fs::FileType::kDirectory, 02775, 1000, 1000);
  {
    Metadata meta(fs_, options);
    EXPECT_EQ(meta.mode_for(file), 0755U);
    EXPECT_EQ(meta.mode_for(dir), 02775U);
  }
  options.keep_setuid = true;
  EXPECT_EQ(Metadata(fs_, options).mode_for(file), 06755U);
  options.keep_setuid = false;
  options.owner = IdMapping();  // preserve: nothing is handed to anyone else
  EXPECT_EQ(Metadata(fs_, options).mode_for(file), 06755U);
}

TEST_F(MetadataTest, WithoutPreservedPermissionsTheUmaskDecides) {
  CopyOptions options;
  options.preserve_perms = false;
  Metadata meta(fs_, options);
  EXPECT_EQ(meta.mode_for(stat_of(fs::FileType::kRegular, 0600, 0, 0)), 0640U);
  EXPECT_EQ(meta.mode_for(stat_of(fs::FileType::kDirectory, 0700, 0, 0)), 0750U);
}

TEST_F(MetadataTest, AFileIsCreatedWithItsFinalModeOnlyWhenNoChmodWouldChangeIt) {
  CopyOptions options;
  Metadata meta(fs_, options);
  EXPECT_EQ(meta.final_creation_mode(stat_of(fs::FileType::kRegular, 0640, 0, 0)), 0640U);
  // The umask (027) would take bits away; setuid needs a chmod after the chown.
  EXPECT_EQ(meta.final_creation_mode(stat_of(fs::FileType::kRegular, 0644, 0, 0)), std::nullopt);
  EXPECT_EQ(meta.final_creation_mode(stat_of(fs::FileType::kRegular, 04750, 0, 0)), std::nullopt);
}

}  // namespace
}  // namespace lifeboat::transfer

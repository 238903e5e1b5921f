#include "server/api_token.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace lifeboat::server {
namespace {

class ApiTokenTest : public ::testing::Test {
 protected:
  void write(const std::string& path, const std::string& text, mode_t mode) {
    std::ofstream(path) << text;
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
  }

  lifeboat::testing::TempDir tmp_{"lifeboat-token"};
  std::string dir_ = tmp_.path();
};

TEST_F(ApiTokenTest, TheTokenLivesBesideTheSqliteStoreUnlessAFileIsNamed) {
  EXPECT_EQ(*token_path_for("", "sqlite:///var/lib/lifeboat/lifeboat.db"),
            "/var/lib/lifeboat/api-token");
  EXPECT_EQ(*token_path_for("/etc/lifeboat/token", "sqlite:///x/lifeboat.db"),
            "/etc/lifeboat/token");
  auto pg = token_path_for("", "postgresql://db/lifeboat");
  EXPECT_FALSE(pg.is_ok());
  EXPECT_NE(pg.status().message().find("token_file"), std::string::npos);
}

TEST_F(ApiTokenTest, AMissingTokenIsCreatedPrivateAndRandomThenReadBack) {
  const std::string path = dir_ + "/api-token";
  auto first = load_api_token(path, true);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->value.size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto again = load_api_token(path, true);
  ASSERT_TRUE(again.is_ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->value, first->value);
  auto other = load_api_token(dir_ + "/other", true);
  EXPECT_NE(other->value, first->value);
  EXPECT_EQ(std::filesystem::directory_iterator(dir_)->path().string().find(".tmp"),
            std::string::npos)
      << "no temporary is left behind";
  EXPECT_FALSE(load_api_token(dir_ + "/absent", false).is_ok()) << "a named file is not made";
}

TEST_F(ApiTokenTest, FilesOthersCouldReadOrChooseAreRefused) {
  const std::string path = dir_ + "/token";
  write(path, "0123456789abcdef-long-enough\n", 0600);
  auto ok = load_api_token(path, false);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(ok->value, "0123456789abcdef-long-enough");
  for (mode_t mode : {0644, 0640, 0604, 0620}) {
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    auto r = load_api_token(path, false);
    EXPECT_FALSE(r.is_ok()) << std::oct << mode;
    EXPECT_NE(r.status().message().find("chmod 600"), std::string::npos);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  ASSERT_EQ(::chown(path.c_str(), 4242, 4242), 0);
  auto foreign = load_api_token(path, false);
  EXPECT_FALSE(foreign.is_ok());
  EXPECT_NE(foreign.status().message().find("owned by uid 4242"), std::string::npos);
  ASSERT_EQ(::chown(path.c_str(), ::geteuid(), ::getegid()), 0);

  const std::string link = dir_ + "/link";
  ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
  auto via_link = load_api_token(link, false);
  EXPECT_FALSE(via_link.is_ok());
  EXPECT_NE(via_link.status().message().find("symbolic link"), std::string::npos);
  // A planted symlink where the token would be created is not followed either.
  auto planted = load_api_token(link, true);
  EXPECT_FALSE(planted.is_ok());
}

TEST_F(ApiTokenTest, ShortEmptyOrUnprintableTokensAreRefused) {
  const std::string path = dir_ + "/token";
  for (const std::string& text : {std::string("short\n"), std::string("\n"), std::string(""),
                                  std::string("has a space in it, long enough\n"),
                                  std::string("tab\there-long-enough-token\n")}) {
    write(path, text, 0600);
    EXPECT_FALSE(load_api_token(path, false).is_ok()) << text;
  }
  write(path, "a-token-with-crlf-0123456789\r\nsecond line\n", 0600);
  EXPECT_EQ(load_api_token(path, false)->value, "a-token-with-crlf-0123456789");
}

}  // namespace
}  // namespace lifeboat::server

#include "core/file_text.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

namespace lifeboat::core {
namespace {

TEST(FileText, ReadsWholeFileAndRefusesMissingOrDirectory) {
  char path[] = "/tmp/lifeboat-file-text-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path, std::ios::binary) << std::string("a\0b\n", 4);
  auto text = read_file_text(path, "test file");
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  EXPECT_EQ(*text, std::string("a\0b\n", 4));
  std::ofstream(path, std::ios::trunc);
  EXPECT_EQ(read_file_text(path, "test file").value(), "");
  std::remove(path);

  auto missing = read_file_text(path, "events file");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("events file"), std::string::npos);
  EXPECT_NE(missing.status().message().find(path), std::string::npos);
  EXPECT_NE(missing.status().message().find("No such file"), std::string::npos);
  EXPECT_FALSE(read_file_text("/", "a directory").is_ok());
}

}  // namespace
}  // namespace lifeboat::core

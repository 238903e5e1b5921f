#include "core/status.h"

#include <cerrno>

#include <gtest/gtest.h>

#include "core/result.h"

namespace lifeboat::core {
namespace {

TEST(Status, FromErrnoMapsCodesAndKeepsContext) {
  Status st = Status::from_errno(ENOSPC, "write 'a/b'");
  EXPECT_EQ(st.code(), StatusCode::kNoSpace);
  EXPECT_EQ(st.sys_errno(), ENOSPC);
  EXPECT_NE(st.message().find("write 'a/b'"), std::string::npos);
  EXPECT_NE(st.message().find("No space left"), std::string::npos);
  EXPECT_EQ(Status::from_errno(EACCES, "x").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Status::from_errno(ENOENT, "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(Status::from_errno(EIO, "x").code(), StatusCode::kIoError);
}

TEST(Status, ExitCodesFollowDesign) {
  EXPECT_EQ(exit_code_for(Status::ok()), 0);
  EXPECT_EQ(exit_code_for(Status::partial("p")), 1);
  EXPECT_EQ(exit_code_for(Status::invalid_argument("p")), 2);
  EXPECT_EQ(exit_code_for(Status::not_found("p")), 3);
  EXPECT_EQ(exit_code_for(Status::no_space("p")), 4);
  EXPECT_EQ(exit_code_for(Status::unavailable("p")), 4);
}

TEST(Status, WithContextPrefixesAndKeepsErrno) {
  Status st = Status::from_errno(EIO, "read").with_context("copy 'x'");
  EXPECT_EQ(st.message().rfind("copy 'x': read", 0), 0u);
  EXPECT_EQ(st.sys_errno(), EIO);
  EXPECT_TRUE(Status::ok().with_context("x").is_ok());
}

Result<int> half(int v) {
  if (v % 2 != 0) return Status::invalid_argument("odd");
  return v / 2;
}

Status quarter(int v, int& out) {
  LIFEBOAT_ASSIGN_OR_RETURN(int h, half(v));
  LIFEBOAT_ASSIGN_OR_RETURN(out, half(h));
  return Status::ok();
}

TEST(Result, ValueOrStatusAndMacros) {
  EXPECT_EQ(half(8).value(), 4);
  EXPECT_FALSE(half(3).is_ok());
  EXPECT_EQ(half(3).status().message(), "odd");
  int out = 0;
  EXPECT_TRUE(quarter(8, out).is_ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(quarter(6, out).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace lifeboat::core

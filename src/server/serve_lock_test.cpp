#include "server/serve_lock.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace lifeboat::server {
namespace {

TEST(ServeLock, OnePerStoreNamingTheHolderAndReleasedWithIt) {
  EXPECT_EQ(ServeLock::path_for("sqlite:///d/lifeboat.db"), "/d/lifeboat.db.serve.lock");
  EXPECT_EQ(ServeLock::path_for("postgresql://db/x"), "");
  const lifeboat::testing::TempDir dir("lifeboat-lock");
  const std::string path = dir / "lifeboat.db.serve.lock";
  auto held = ServeLock::acquire(path, core::SystemClock::instance());
  ASSERT_TRUE(held.is_ok()) << held.status().to_string();
  auto second = ServeLock::acquire(path, core::SystemClock::instance());
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("pid " + std::to_string(::getpid())), std::string::npos)
      << second.status().message();
  { ServeLock released = std::move(held).value(); }
  EXPECT_TRUE(ServeLock::acquire(path, core::SystemClock::instance()).is_ok())
      << "released with its holder";
}

}  // namespace
}  // namespace lifeboat::server

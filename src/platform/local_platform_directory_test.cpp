#include "platform/local_platform_directory.h"

#include <gtest/gtest.h>

namespace lifeboat::platform {
namespace {

const core::ProfileKey kAlice{"demo", core::ProfileKind::kUser, "alice"};

TEST(LocalPlatformDirectory, WithoutTemplateTheHomeIsUnknown) {
  LocalPlatformDirectory dir;
  auto home = dir.resolve_home(kAlice, "d-1", "fs-1");
  ASSERT_TRUE(home.is_ok());
  EXPECT_FALSE(home->has_value());
}

TEST(LocalPlatformDirectory, TemplateNamesTheDirectoryOnTheDomainVolume) {
  LocalPlatformDirectory dir({"{domain_name}-{kind}-{name}", "fallback"});
  auto home = dir.resolve_home(kAlice, "d-1", "fs-1");
  ASSERT_TRUE(home.is_ok());
  EXPECT_EQ(*home, (core::HomeLocation{"fs-1", "demo-user-alice"}));
  auto fallback = dir.resolve_home({"demo", core::ProfileKind::kSpace, "s"}, "d-1", "");
  EXPECT_EQ(*fallback, (core::HomeLocation{"fallback", "demo-space-s"}));
}

TEST(LocalPlatformDirectory, TemplateThatWouldEscapeIsRefused) {
  LocalPlatformDirectory dir({"{domain_id}/{name}", "fs"});
  auto home = dir.resolve_home(kAlice, "d-1", "");
  ASSERT_FALSE(home.is_ok());
  EXPECT_NE(home.status().message().find("template"), std::string::npos);
}

}  // namespace
}  // namespace lifeboat::platform

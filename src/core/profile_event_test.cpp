#include "core/profile_event.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace lifeboat::core {
namespace {

ProfileEvent valid_event() {
  ProfileEvent e;
  e.id = "evt-1";
  e.time = *parse_rfc3339("2026-11-29T10:00:00Z");
  e.type = EventType::kCreateSpace;
  e.domain_id = "d-1";
  e.domain_name = "demo";
  e.profile_name = "lab";
  e.home = HomeLocation{"fs-1", "300001"};
  e.owner_uid = 1;
  e.owner_gid = 2;
  e.source = "platform.local";
  return e;
}

TEST(ProfileEvent, NamesAreRefusedWhenTheyCouldEscapeADirectory) {
  EXPECT_TRUE(validate_name("alice", "f").is_ok());
  EXPECT_TRUE(validate_name(std::string(63, 'a'), "f").is_ok());
  for (const std::string& bad :
       {std::string(""), std::string("a/b"), std::string(".."), std::string("x..y"),
        std::string("a\0b", 3), std::string(64, 'a')}) {
    Status st = validate_name(bad, "spaceName");
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("spaceName"), std::string::npos) << st.message();
  }
}

TEST(ProfileEvent, AHomeDirectoryNameIsOnePlainEntry) {
  EXPECT_TRUE(validate_home_dir_name("200001", kSageMakerSource, "f").is_ok());
  EXPECT_TRUE(validate_home_dir_name("alice-home", "platform.local", "f").is_ok());
  for (const std::string& bad : {std::string("."), std::string(".."), std::string(""),
                                 std::string("/"), std::string("a/b")}) {
    Status st = validate_home_dir_name(bad, "platform.local", "homeEfsFileSystemUid");
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(st.message().find("homeEfsFileSystemUid"), std::string::npos) << st.message();
  }
  for (const std::string& bad : {std::string("alice"), std::string("12a"), std::string("-1")}) {
    EXPECT_FALSE(validate_home_dir_name(bad, kSageMakerSource, "f").is_ok()) << bad;
  }
  ProfileEvent e = valid_event();
  e.home = HomeLocation{"fs-1", "."};
  EXPECT_NE(validate_event(e).message().find("homeEfsFileSystemUid"), std::string::npos);
  e = valid_event();
  e.source = std::string(kSageMakerSource);
  e.home = HomeLocation{"fs-1", "lab"};
  EXPECT_FALSE(validate_event(e).is_ok());
}

TEST(ProfileEvent, OwnerIdsFitAUid) {
  ProfileEvent e = valid_event();
  e.owner_uid = kMaxOwnerId;
  EXPECT_TRUE(validate_event(e).is_ok());
  e.owner_uid = kMaxOwnerId + 1;  // (uid_t)-1: chown's "leave it alone"
  EXPECT_NE(validate_event(e).message().find("ownerUid"), std::string::npos);
  e = valid_event();
  e.owner_gid = std::int64_t{1} << 40;
  EXPECT_NE(validate_event(e).message().find("ownerGid"), std::string::npos);
}

TEST(ProfileEvent, TypesParseAndKindsFollow) {
  for (auto name : {"CreateDomain", "DeleteDomain", "CreateUserProfile", "DeleteUserProfile",
                    "CreateSpace", "DeleteSpace"}) {
    auto t = parse_event_type(name);
    ASSERT_TRUE(t.is_ok()) << name;
    EXPECT_EQ(event_type_name(*t), name);
  }
  auto bad = parse_event_type("UpdateSpace", "detail.eventName");
  EXPECT_NE(bad.status().message().find("detail.eventName"), std::string::npos);
  ProfileEvent e = valid_event();
  EXPECT_EQ(e.kind(), ProfileKind::kSpace);
  EXPECT_TRUE(e.is_create());
  EXPECT_FALSE(e.is_domain_event());
}

TEST(ProfileEvent, ValidationNamesTheMissingField) {
  ProfileEvent e = valid_event();
  EXPECT_TRUE(validate_event(e).is_ok());
  e.domain_id.clear();
  EXPECT_NE(validate_event(e).message().find("domainId"), std::string::npos);
  e = valid_event();
  e.domain_name.clear();
  EXPECT_TRUE(validate_event(e).is_ok()) << "a profile event may name its domain by id only";
  e.type = EventType::kCreateDomain;
  EXPECT_NE(validate_event(e).message().find("domainName"), std::string::npos);
  e = valid_event();
  e.home = HomeLocation{"fs-1", "../x"};
  EXPECT_NE(validate_event(e).message().find("homeEfsFileSystemUid"), std::string::npos);
  e = valid_event();
  e.owner_uid = -1;
  EXPECT_NE(validate_event(e).message().find("ownerUid"), std::string::npos);
}

TEST(ProfileEvent, JsonRoundTrip) {
  ProfileEvent e = valid_event();
  auto back = event_from_json(event_to_json(e));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->time, e.time);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->domain_name, e.domain_name);
  EXPECT_EQ(back->profile_name, e.profile_name);
  EXPECT_EQ(back->home, e.home);
  EXPECT_EQ(back->owner_uid, e.owner_uid);
  EXPECT_EQ(back->source, e.source);
}

}  // namespace
}  // namespace lifeboat::core

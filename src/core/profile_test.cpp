#include "core/profile.h"

#include <gtest/gtest.h>

namespace lifeboat::core {
namespace {

Profile full_profile(ProfileKind kind) {
  Profile p;
  p.key = {"demo", kind, "alice"};
  p.domain_id = "d-1";
  p.home = HomeLocation{"fs-1", "200001"};
  p.owner_uid = 200001;
  p.owner_gid = 1001;
  p.replication = false;
  p.pending_source = HomeLocation{"fs-0", "7"};
  p.status = ProfileStatus::kPending;
  p.last_replication = ReplicationResult{"SUCCESS", 1, 2, 3, 4, "exec"};
  p.last_event_time = "2026-11-29T10:00:00.000Z";
  p.updated_at = "2026-11-29T10:00:01.000Z";
  return p;
}

TEST(Profile, JsonUsesTheReferenceColumnNames) {
  Json j = profile_to_json(full_profile(ProfileKind::kUser));
  EXPECT_EQ(j["domain_id"], "d-1");
  EXPECT_EQ(j["domain_name"], "demo");
  EXPECT_EQ(j["user_profile_name"], "alice");
  EXPECT_FALSE(j.contains("space_name"));
  EXPECT_EQ(j["replication"], false);
  EXPECT_EQ(j["efs_sys_id"], "fs-1");
  EXPECT_EQ(j["efs_uid"], "200001");
  EXPECT_EQ(j["replication_status"], "SUCCESS");
  EXPECT_EQ(j["bytes_written"], 1);
  EXPECT_EQ(j["files_transferred"], 3);
  EXPECT_EQ(j["total_duration_ms"], 4);
  Json space = profile_to_json(full_profile(ProfileKind::kSpace));
  EXPECT_EQ(space["space_name"], "alice");
  EXPECT_FALSE(space.contains("user_profile_name"));
}

TEST(Profile, JsonRoundTripsWithAndWithoutOptionalFields) {
  for (ProfileKind kind : {ProfileKind::kUser, ProfileKind::kSpace}) {
    Profile p = full_profile(kind);
    auto back = profile_from_json(profile_to_json(p));
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_EQ(*back, p);
  }
  Profile bare;
  bare.key = {"demo", ProfileKind::kUser, "bob"};
  bare.domain_id = "d-1";
  Json j = profile_to_json(bare);
  EXPECT_TRUE(j["efs_uid"].is_null());
  EXPECT_TRUE(j["replication_status"].is_null());
  auto back = profile_from_json(j);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(*back, bare);
}

TEST(Profile, FromJsonNamesTheBadField) {
  Json j = profile_to_json(full_profile(ProfileKind::kUser));
  j["replication"] = "yes";
  EXPECT_NE(profile_from_json(j).status().message().find("profile.replication"), std::string::npos);
  j = profile_to_json(full_profile(ProfileKind::kUser));
  j["efs_uid"] = nullptr;
  EXPECT_NE(profile_from_json(j).status().message().find("efs_uid"), std::string::npos);
  j = profile_to_json(full_profile(ProfileKind::kUser));
  j["kind"] = "robot";
  EXPECT_NE(profile_from_json(j).status().message().find("kind"), std::string::npos);
}

TEST(Profile, DomainAndVolumeRoundTrip) {
  Domain d{"d-1", "demo", "fs-1", DomainStatus::kDeleted, "2026-11-29T10:00:00.000Z"};
  EXPECT_EQ(*domain_from_json(domain_to_json(d)), d);
  Volume v{"home", "/mnt/home"};
  EXPECT_EQ(*volume_from_json(volume_to_json(v)), v);
  EXPECT_EQ(ProfileKey({"demo", ProfileKind::kSpace, "lab"}).to_string(), "demo/space/lab");
}

}  // namespace
}  // namespace lifeboat::core

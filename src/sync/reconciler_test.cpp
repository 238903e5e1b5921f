// Seeding and reconciling against the real SQLite store and registry, with the in-memory
// fake of SageMaker's catalog: what a pass records, what it costs, and that repeating it,
// or an event for the same creation, never starts a second recovery.
#include "sync/reconciler.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/profile_event.h"
#include "sync/sync_test_fixture.h"

namespace lifeboat::sync {
namespace {

using core::ProfileKind;

class ReconcilerTest : public SyncTest {
 protected:
  SyncReport pass(SyncMode mode = SyncMode::kReconcile, std::vector<std::string> domains = {},
                  bool dry_run = false) {
    Reconciler r(catalog_, *store_, *registry_, clock_, {mode, std::move(domains), dry_run});
    auto report = r.run();
    EXPECT_TRUE(report.is_ok()) << report.status().to_string();
    return report.is_ok() ? *report : SyncReport{};
  }
  static int count(const SyncReport& r, const std::string& action) {
    int n = 0;
    for (const auto& i : r.items) n += i.action == action ? 1 : 0;
    return n;
  }
  // Changes whose homes differ on an active profile: what the dispatcher would recover.
  int recoveries_possible() {
    int n = 0;
    for (const auto& c : changes()) {
      if (core::is_seed_event_id(c.event_id) || !c.old_image || !c.new_image) continue;
      if (c.old_image->home && c.new_image->home && *c.old_image->home != *c.new_image->home) ++n;
    }
    return n;
  }
};

TEST_F(ReconcilerTest, SeedRecordsEverythingOnceWithItsHome) {
  add_domain();
  add_profile("alice", "200001");
  add_profile("bob", "200002");
  add_profile("lab", "200003", "2026-11-30T11:20:00.000Z", "d-demo", ProfileKind::kSpace);
  SyncReport first = pass(SyncMode::kSeed);
  EXPECT_EQ(count(first, "recorded"), 4);  // the domain, two users, one space
  auto alice = profile("alice");
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->home, (core::HomeLocation{"fs-1", "200001"}));
  EXPECT_EQ(alice->platform_created_at, "2026-11-30T11:10:00.000Z");
  auto lab = profile("lab", "demo", ProfileKind::kSpace);
  ASSERT_TRUE(lab.has_value());
  EXPECT_EQ(lab->home, (core::HomeLocation{"fs-1", "200003"}));
  for (const auto& c : changes()) EXPECT_TRUE(core::is_seed_event_id(c.event_id)) << c.event_id;

  // Again: nothing to describe, nothing written.
  const auto changes_before = changes().size();
  catalog_.describe_calls = 0;
  SyncReport second = pass(SyncMode::kSeed);
  EXPECT_EQ(count(second, "unchanged"), 3);
  EXPECT_EQ(count(second, "recorded"), 0);
  EXPECT_EQ(catalog_.describe_calls, 0);
  EXPECT_EQ(changes().size(), changes_before);
}

TEST_F(ReconcilerTest, SeedMarksProfilesThePlatformNoLongerListsDeletedAndKeepsTheirHomes) {
  add_domain();
  add_profile("alice", "200001");
  add_profile("bob", "200002");
  pass(SyncMode::kSeed);
  catalog_.erase_profile("d-demo", ProfileKind::kUser, "bob");
  SyncReport report = pass(SyncMode::kSeed);
  EXPECT_EQ(count(report, "deleted"), 1);
  auto bob = profile("bob");
  ASSERT_TRUE(bob.has_value());
  EXPECT_EQ(bob->status, core::ProfileStatus::kDeleted);
  EXPECT_EQ(bob->home, (core::HomeLocation{"fs-1", "200002"}));
}

TEST_F(ReconcilerTest, DryRunWritesNothing) {
  add_domain();
  add_profile("alice", "200001");
  SyncReport report = pass(SyncMode::kSeed, {}, /*dry_run=*/true);
  EXPECT_EQ(count(report, "recorded"), 2);
  for (const auto& i : report.items) EXPECT_EQ(i.outcome, "planned");
  EXPECT_FALSE(profile("alice").has_value());
  EXPECT_TRUE(changes().empty());
}

// A recreation whose events were lost: the listing shows a new CreationTime, Describe
// the new uid, and the create event recovers the old home — once, however often the pass
// runs, and an event for the same creation arriving later changes nothing.
TEST_F(ReconcilerTest, RecreationFoundByListingRecoversOnce) {
  add_domain();
  add_profile("alice", "200001");
  pass(SyncMode::kSeed);
  clock_.advance(std::chrono::hours(1));
  add_profile("alice", "200007", "2026-11-30T12:30:00.000Z");
  SyncReport report = pass();
  EXPECT_EQ(count(report, "recreated"), 1);
  EXPECT_EQ(recoveries_possible(), 1);
  auto alice = profile("alice");
  EXPECT_EQ(alice->home, (core::HomeLocation{"fs-1", "200007"}));
  pass();
  pass();
  EXPECT_EQ(recoveries_possible(), 1);

  core::ProfileEvent late;  // the CloudTrail record of that creation, enriched
  late.id = "cloudtrail-1";
  late.type = core::EventType::kCreateUserProfile;
  late.time = *core::parse_rfc3339("2026-11-30T12:30:01Z");
  late.domain_id = "d-demo";
  late.profile_name = "alice";
  late.home = core::HomeLocation{"fs-1", "200007"};
  late.source = "aws.sagemaker";
  ASSERT_TRUE(registry_->apply(late).is_ok());
  EXPECT_EQ(recoveries_possible(), 1);
}

// A profile the listing lost is deleted as of just after its last event, so the
// recreation (dated before the pass ran) still applies and recovers.
TEST_F(ReconcilerTest, DeletionIsDatedSoALaterListedRecreationIsNotStale) {
  add_domain();
  add_profile("alice", "200001");
  pass(SyncMode::kSeed);
  catalog_.erase_profile("d-demo", ProfileKind::kUser, "alice");
  clock_.advance(std::chrono::hours(2));
  EXPECT_EQ(count(pass(), "deleted"), 1);
  // Recreated at 12:30, an hour and a half before the pass that saw it gone.
  add_profile("alice", "200009", "2026-11-30T12:30:00.000Z");
  EXPECT_EQ(count(pass(), "recreated"), 1);
  EXPECT_EQ(profile("alice")->status, core::ProfileStatus::kActive);
  EXPECT_EQ(recoveries_possible(), 1);
}

TEST_F(ReconcilerTest, PendingProfilesWaitForTheirUid) {
  add_domain();
  add_profile("alice", "", "2026-11-30T11:10:00.000Z", "d-demo", ProfileKind::kUser, "Pending");
  SyncReport report = pass();
  EXPECT_EQ(count(report, "pending"), 1);
  EXPECT_FALSE(profile("alice").has_value());
  add_profile("alice", "200001");
  EXPECT_EQ(count(pass(), "recorded"), 1);
}

// A domain deleted and recreated under its name with a new id and volume: its profiles
// are recreated in the new domain (and recovered from the old volume); the old domain
// is deleted last, so it takes none of them with it.
TEST_F(ReconcilerTest, RecreatedDomainMovesItsProfilesToTheNewVolume) {
  add_domain();
  add_profile("alice", "200001");
  add_profile("bob", "200002");
  pass(SyncMode::kSeed);
  catalog_.domains.clear();
  catalog_.profiles.clear();
  clock_.advance(std::chrono::hours(1));
  catalog_.put_domain({"d-new", "demo", "InService", "fs-2", "2026-11-30T12:40:00.000Z"});
  add_profile("alice", "200001", "2026-11-30T12:50:00.000Z", "d-new");
  SyncReport report = pass();
  EXPECT_EQ(count(report, "recreated"), 1);  // alice
  EXPECT_EQ(count(report, "deleted"), 1);    // the old domain (bob with it)
  auto alice = profile("alice");
  EXPECT_EQ(alice->status, core::ProfileStatus::kActive);
  EXPECT_EQ(alice->domain_id, "d-new");
  EXPECT_EQ(alice->home, (core::HomeLocation{"fs-2", "200001"}));
  EXPECT_EQ(profile("bob")->status, core::ProfileStatus::kDeleted);
  EXPECT_EQ(recoveries_possible(), 1);
}

TEST_F(ReconcilerTest, WatchesOnlyTheNamedDomains) {
  add_domain();
  add_domain("d-other", "other", "fs-9");
  add_profile("alice", "200001");
  add_profile("zed", "300001", "2026-11-30T11:10:00.000Z", "d-other");
  pass(SyncMode::kSeed, {"demo"});
  EXPECT_TRUE(profile("alice").has_value());
  EXPECT_FALSE(profile("zed", "other").has_value());
}

TEST_F(ReconcilerTest, AFailingPlatformIsAnErrorAndWritesNothing) {
  add_domain();
  add_profile("alice", "200001");
  catalog_.fail_with = core::Status::permission_denied(
      "SageMaker ListDomains: grant the IAM action sagemaker:ListDomains");
  Reconciler r(catalog_, *store_, *registry_, clock_, {});
  auto report = r.run();
  ASSERT_FALSE(report.is_ok());
  EXPECT_NE(report.status().message().find("sagemaker:ListDomains"), std::string::npos);
  EXPECT_TRUE(changes().empty());
}

// What a pass costs: Describe only for profiles whose creation time is new.
TEST_F(ReconcilerTest, DescribesOnlyWhatIsNew) {
  add_domain();
  for (int i = 0; i < 50; ++i) add_profile(fmt::format("user{}", i), std::to_string(200001 + i));
  pass(SyncMode::kSeed);
  catalog_.describe_calls = 0;
  add_profile("newcomer", "200100", "2026-11-30T11:59:00.000Z");
  SyncReport report = pass();
  EXPECT_EQ(report.describes, 1);
  EXPECT_EQ(catalog_.describe_calls, 1);
  EXPECT_EQ(report.profiles_listed, 51);
}

}  // namespace
}  // namespace lifeboat::sync

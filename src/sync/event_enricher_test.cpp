// Enrichment of CloudTrail records that carry no home, against the real SQLite store and
// registry with the in-memory fake of SageMaker's catalog: held, asked again with
// back-off, applied once the profile is InService with a uid, released when it is gone
// or its time ran out.
#include "sync/event_enricher.h"

#include <gtest/gtest.h>

#include "store/held_events.h"
#include "sync/sync_test_fixture.h"

namespace lifeboat::sync {
namespace {

using core::ProfileKind;

class EventEnricherTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    enricher_ = std::make_unique<EventEnricher>(
        catalog_, *store_, *registry_, clock_,
        EnrichOptions{std::chrono::seconds(600), std::chrono::seconds(2),
                      std::chrono::seconds(60)});
  }

  // A CloudTrail CreateUserProfile as it arrives: domain id and name, nothing else.
  static core::ProfileEvent cloudtrail_create(const std::string& id, const std::string& name) {
    core::ProfileEvent e;
    e.id = id;
    e.type = core::EventType::kCreateUserProfile;
    e.time = *core::parse_rfc3339("2026-11-30T11:10:00Z");
    e.domain_id = "d-demo";
    e.profile_name = name;
    e.source = "aws.sagemaker";
    return e;
  }

  std::vector<store::HeldEvent> held() {
    std::vector<store::HeldEvent> out;
    EXPECT_TRUE(store_
                    ->read([&](store::StoreTransaction& t) -> core::Status {
                      LIFEBOAT_ASSIGN_OR_RETURN(out, t.list_held_events(100));
                      return core::Status::ok();
                    })
                    .is_ok());
    return out;
  }

  EnrichPass run() {
    auto pass = enricher_->run_due();
    EXPECT_TRUE(pass.is_ok()) << pass.status().to_string();
    return pass.is_ok() ? *pass : EnrichPass{};
  }

  std::unique_ptr<EventEnricher> enricher_;
};

TEST_F(EventEnricherTest, OnlySageMakerCreatesWithoutAHomeNeedIt) {
  core::ProfileEvent e = cloudtrail_create("e1", "alice");
  EXPECT_TRUE(enricher_->needs(e));
  e.home = core::HomeLocation{"fs-1", "200001"};
  EXPECT_FALSE(enricher_->needs(e));  // carries its home
  e = cloudtrail_create("e1", "alice");
  e.type = core::EventType::kDeleteUserProfile;
  EXPECT_FALSE(enricher_->needs(e));  // deletes need no call
  e = cloudtrail_create("e1", "alice");
  e.source = "com.example.platform";
  EXPECT_FALSE(enricher_->needs(e));  // the local platform's events
  e = cloudtrail_create("e1", "");
  e.type = core::EventType::kCreateDomain;
  e.domain_name = "demo";
  EXPECT_TRUE(enricher_->needs(e));  // no volume
}

TEST_F(EventEnricherTest, APendingProfileIsAskedAgainUntilItHasAUid) {
  add_domain();
  add_profile("alice", "", "2026-11-30T11:10:00.000Z", "d-demo", ProfileKind::kUser, "Pending");
  ASSERT_TRUE(*enricher_->hold(cloudtrail_create("e1", "alice"), "rule"));
  EXPECT_FALSE(*enricher_->hold(cloudtrail_create("e1", "alice"), "rule"));  // held already

  EnrichPass first = run();
  EXPECT_EQ(first.waiting, 1);
  auto rows = held();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].attempts, 1);
  EXPECT_NE(rows[0].last_error.find("Pending"), std::string::npos) << rows[0].last_error;
  // Not due yet: nothing is asked.
  catalog_.describe_calls = 0;
  EXPECT_EQ(run().waiting, 0);
  EXPECT_EQ(catalog_.describe_calls, 0);
  // Back-off: 2 s, then 4 s.
  clock_.advance(std::chrono::seconds(2));
  EXPECT_EQ(run().waiting, 1);
  EXPECT_EQ(*core::parse_rfc3339(held()[0].next_attempt_at),
            clock_.now() + std::chrono::seconds(4));

  add_profile("alice", "200001");
  clock_.advance(std::chrono::seconds(4));
  EnrichPass done = run();
  EXPECT_EQ(done.applied, 1);
  EXPECT_TRUE(held().empty());
  auto alice = profile("alice");
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->home, (core::HomeLocation{"fs-1", "200001"}));
  EXPECT_EQ(alice->platform_created_at, "2026-11-30T11:10:00.000Z");
  EXPECT_EQ(alice->key.domain_name, "demo");  // from DescribeDomain: the record had none
}

TEST_F(EventEnricherTest, AProfileGoneBeforeItWasAskedIsReleased) {
  add_domain();
  ASSERT_TRUE(*enricher_->hold(cloudtrail_create("e1", "ghost"), "rule"));
  EnrichPass pass = run();
  EXPECT_EQ(pass.gone, 1);
  EXPECT_TRUE(held().empty());
  EXPECT_FALSE(profile("ghost").has_value());
  bool processed = false;
  ASSERT_TRUE(store_
                  ->read([&](store::StoreTransaction& t) -> core::Status {
                    LIFEBOAT_ASSIGN_OR_RETURN(processed, t.is_event_processed("e1"));
                    return core::Status::ok();
                  })
                  .is_ok());
  EXPECT_TRUE(processed);  // a resend is a duplicate
}

TEST_F(EventEnricherTest, GivesUpAtTheDeadlineAndSurvivesPlatformErrors) {
  add_domain();
  add_profile("alice", "200001");
  ASSERT_TRUE(*enricher_->hold(cloudtrail_create("e1", "alice"), "rule"));
  catalog_.fail_with = core::Status::unavailable("SageMaker DescribeUserProfile: throttled");
  EnrichPass failing = run();
  EXPECT_EQ(failing.waiting, 1);
  ASSERT_EQ(failing.notes.size(), 1u);
  EXPECT_NE(held()[0].last_error.find("throttled"), std::string::npos);
  clock_.advance(std::chrono::seconds(601));
  EnrichPass expired = run();
  EXPECT_EQ(expired.expired, 1);
  EXPECT_TRUE(held().empty());
  EXPECT_FALSE(profile("alice").has_value());
}

// SageMaker's answers pass the checks an event's do: a home uid that is not decimal
// digits (here a path escape) is refused by the registry and the event released; nothing
// is recorded.
TEST_F(EventEnricherTest, AHomeFromThePlatformThatIsNotAUidIsRefused) {
  add_domain();
  add_profile("mallory", "../../etc");
  ASSERT_TRUE(*enricher_->hold(cloudtrail_create("e1", "mallory"), "rule"));
  EnrichPass pass = run();
  EXPECT_EQ(pass.refused, 1);
  EXPECT_EQ(pass.applied, 0);
  EXPECT_TRUE(held().empty());
  EXPECT_FALSE(profile("mallory").has_value());
  ASSERT_EQ(pass.notes.size(), 1u);
  EXPECT_NE(pass.notes[0].find("homeEfsFileSystemUid"), std::string::npos) << pass.notes[0];
}

TEST_F(EventEnricherTest, ADomainCreateGetsItsVolume) {
  add_domain();
  core::ProfileEvent e = cloudtrail_create("e1", "");
  e.type = core::EventType::kCreateDomain;
  e.domain_name = "demo";
  ASSERT_TRUE(*enricher_->hold(e, "rule"));
  EXPECT_EQ(run().applied, 1);
  std::optional<core::Domain> d;
  ASSERT_TRUE(store_
                  ->read([&](store::StoreTransaction& t) -> core::Status {
                    LIFEBOAT_ASSIGN_OR_RETURN(d, t.get_domain("d-demo"));
                    return core::Status::ok();
                  })
                  .is_ok());
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->home_volume_id, "fs-1");
}

}  // namespace
}  // namespace lifeboat::sync

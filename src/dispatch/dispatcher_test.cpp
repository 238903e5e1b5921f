// The recovery rule and the change-stream consumer, against the real SQLite store and
// registry: which changes start a recovery, with what input, exactly once.
#include "dispatch/dispatcher.h"

#include <stdlib.h>

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "dispatch/recovery_planner.h"
#include "platform/local_platform_directory.h"
#include "registry/registry.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace lifeboat::dispatch {
namespace {

using core::EventType;
using core::HomeLocation;
using core::Json;
using core::ProfileKey;
using core::ProfileKind;

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteStore::open(dir_ + "/lifeboat.db", {.clock = &clock_});
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    registry_ = std::make_unique<registry::Registry>(*store_, platform_, clock_);
    ASSERT_TRUE(store_
                    ->transact([](store::StoreTransaction& t) {
                      return t.put_volume({"home", "/mnt/home/"});
                    })
                    .is_ok());
    dispatcher_ = make_dispatcher();
  }
  void TearDown() override {
    dispatcher_.reset();
    registry_.reset();
    store_.reset();
  }

  std::unique_ptr<Dispatcher> make_dispatcher(RecoveryDefaults defaults = {
                                                  Json{{"verify", "all"}}}) {
    return std::make_unique<Dispatcher>(
        *store_, std::move(defaults),
        [this](const std::string& id, const Json& input) -> core::Status {
          if (started_.count(id) != 0) return core::Status::already_exists(id);
          if (fail_next_start_) {
            fail_next_start_ = false;
            return core::Status::unavailable("store went away");
          }
          started_[id] = input;
          return core::Status::ok();
        });
  }

  void apply(const std::string& id, EventType type, const std::string& name,
             std::optional<std::string> home_dir, int minute, std::int64_t uid = 0,
             const std::string& domain = "demo", const std::string& volume = "home") {
    core::ProfileEvent e;
    e.id = id;
    e.type = type;
    e.time = *core::parse_rfc3339("2026-11-29T10:00:00Z") + std::chrono::minutes(minute);
    e.domain_id = "d-" + domain;
    e.domain_name = domain;
    e.profile_name = name;
    if (home_dir) e.home = HomeLocation{volume, *home_dir};
    if (uid != 0) {
      e.owner_uid = uid;
      e.owner_gid = 1001;
    }
    auto r = registry_->apply(e);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    ASSERT_EQ(r->outcome, registry::ApplyOutcome::kApplied) << r->message;
  }

  void drain() {
    for (;;) {
      auto n = dispatcher_->step(2);  // small batches: exercise the checkpoint loop
      ASSERT_TRUE(n.is_ok()) << n.status().to_string();
      if (*n == 0) break;
    }
  }

  lifeboat::testing::TempDir tmp_{"lifeboat-dispatch"};
  std::string dir_ = tmp_.path();
  core::FakeClock clock_;
  platform::LocalPlatformDirectory platform_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::map<std::string, Json> started_;
  bool fail_next_start_ = false;
};

TEST_F(DispatcherTest, RecreationStartsOneRecoveryWithOwnerRemapAndOverwriteOlder) {
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1, 200001);
  apply("e2", EventType::kDeleteUserProfile, "user1", std::nullopt, 2);
  apply("e3", EventType::kCreateUserProfile, "user1", "200002", 3, 200002);
  drain();
  ASSERT_EQ(started_.size(), 1u);
  const Json& input = started_.begin()->second;
  EXPECT_EQ(started_.begin()->first, recovery_execution_id(input["changeSeq"].get<int64_t>()));
  EXPECT_EQ(input["source"], "/mnt/home/200001");
  EXPECT_EQ(input["target"], "/mnt/home/200002");
  EXPECT_EQ(input["profileName"], "user1");
  EXPECT_EQ(input["kind"], "user");
  EXPECT_EQ(input["options"]["overwrite"], "older");
  EXPECT_EQ(input["options"]["verify"], "all");
  EXPECT_EQ(input["options"]["owner"], "map:200001=200002");
  EXPECT_EQ(input["options"]["group"], "preserve");  // same gid on both sides
  EXPECT_EQ(input["targetHome"]["dirName"], "200002");
}

// Events that name no owners: the copy hands the old home root's owner to the new home
// root's (`home`), as found on the volume when it starts.
TEST_F(DispatcherTest, UnnamedOwnersFollowTheHomeDirectories) {
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1);
  apply("e2", EventType::kDeleteUserProfile, "user1", std::nullopt, 2);
  apply("e3", EventType::kCreateUserProfile, "user1", "200002", 3);
  drain();
  ASSERT_EQ(started_.size(), 1u);
  EXPECT_EQ(started_.begin()->second["options"]["owner"], "home");
  EXPECT_EQ(started_.begin()->second["options"]["group"], "home");
  EXPECT_FALSE(started_.begin()->second.contains("awaitTimeoutSeconds"));
}

// `lifeboat seed` records what exists: a seeded profile whose home differs from the one
// the registry knew starts nothing.
TEST_F(DispatcherTest, SeededChangesStartNoRecovery) {
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1);
  apply("e2", EventType::kDeleteUserProfile, "user1", std::nullopt, 2);
  apply(std::string(core::kSeedEventPrefix) + "CreateUserProfile:d-demo:user1:x",
        EventType::kCreateUserProfile, "user1", "200002", 3);
  drain();
  EXPECT_TRUE(started_.empty());
}

// Configured defaults: the await time reaches the input; a volume nobody registered is
// found at the path template.
TEST_F(DispatcherTest, DefaultsSetTheAwaitTimeAndFindTemplatedVolumes) {
  RecoveryDefaults defaults;
  defaults.await_home_seconds = 3600;
  defaults.volume_path_template = "/mnt/efs/{volume_id}";
  dispatcher_ = make_dispatcher(defaults);
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1);
  apply("e2", EventType::kDeleteUserProfile, "user1", std::nullopt, 2);
  apply("e3", EventType::kCreateUserProfile, "user1", "200003", 3, 0, "demo", "fs-new");
  drain();
  ASSERT_EQ(started_.size(), 1u);
  const Json& input = started_.begin()->second;
  EXPECT_EQ(input["awaitTimeoutSeconds"], 3600);
  EXPECT_EQ(input["source"], "/mnt/home/200001");  // registered volumes win
  EXPECT_EQ(input["target"], "/mnt/efs/fs-new/200003");
  EXPECT_EQ(templated_volume_path(defaults, "../etc"), std::nullopt);  // never a path escape
}

TEST_F(DispatcherTest, FirstCreationFlagToggleAndResultStartNothing) {
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1);
  ProfileKey key{"demo", ProfileKind::kUser, "user1"};
  ASSERT_TRUE(registry_->set_replication(key, false).is_ok());
  ASSERT_TRUE(registry_->set_replication(key, true).is_ok());
  ASSERT_TRUE(registry_->record_result(key, {"SUCCESS", 1, 1, 1, 1, "x"}).is_ok());
  drain();
  EXPECT_TRUE(started_.empty());
}

TEST_F(DispatcherTest, DisabledFlagSurvivesRecreationAndStopsTheRecovery) {
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1);
  ASSERT_TRUE(registry_->set_replication({"demo", ProfileKind::kUser, "user1"}, false).is_ok());
  apply("e2", EventType::kDeleteUserProfile, "user1", std::nullopt, 2);
  apply("e3", EventType::kCreateUserProfile, "user1", "200002", 3);
  drain();
  EXPECT_TRUE(started_.empty());
}

TEST_F(DispatcherTest, AddTargetInAnotherDomainPullsTheSourceOnCreation) {
  apply("e1", EventType::kCreateUserProfile, "alice", "200001", 1);
  ASSERT_TRUE(
      registry_
          ->add_target({"demo", ProfileKind::kUser, "alice"}, {"prod", ProfileKind::kUser, "alice"})
          .is_ok());
  apply("e2", EventType::kCreateUserProfile, "alice", "300001", 2, 0, "prod");
  drain();
  ASSERT_EQ(started_.size(), 1u);
  const Json& input = started_.begin()->second;
  EXPECT_EQ(input["source"], "/mnt/home/200001");
  EXPECT_EQ(input["target"], "/mnt/home/300001");
  EXPECT_EQ(input["domainName"], "prod");
}

TEST_F(DispatcherTest, UnknownVolumeStartsNothingAndSaysWhy) {
  std::vector<std::string> reasons;
  dispatcher_ = std::make_unique<Dispatcher>(
      *store_, RecoveryDefaults{},
      [](const std::string&, const Json&) { return core::Status::ok(); },
      [&](std::int64_t, bool, const std::string& reason) { reasons.push_back(reason); });
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1);
  apply("e2", EventType::kDeleteUserProfile, "user1", std::nullopt, 2);
  // Move the profile to a volume this host does not mount.
  apply("e3", EventType::kCreateUserProfile, "user1", "9", 3, 0, "demo", "fs-elsewhere");
  drain();
  ASSERT_FALSE(reasons.empty());
  EXPECT_NE(reasons.back().find("fs-elsewhere"), std::string::npos) << reasons.back();
}

TEST_F(DispatcherTest, CheckpointMakesRestartsIdempotentAndFailuresRetryable) {
  apply("e1", EventType::kCreateUserProfile, "user1", "200001", 1);
  apply("e2", EventType::kDeleteUserProfile, "user1", std::nullopt, 2);
  apply("e3", EventType::kCreateUserProfile, "user1", "200002", 3);
  fail_next_start_ = true;
  bool saw_error = false;
  for (int i = 0; i < 10; ++i) {
    auto n = dispatcher_->step();
    if (!n.is_ok()) {
      saw_error = true;
      EXPECT_NE(n.status().message().find("store went away"), std::string::npos);
      continue;
    }
    if (*n == 0) break;
  }
  EXPECT_TRUE(saw_error);
  EXPECT_EQ(started_.size(), 1u);  // retried after the failure, started once
  // A new dispatcher (a restart) with the checkpoint lost replays the stream: the
  // derived id makes the start a no-op.
  ASSERT_TRUE(store_
                  ->transact([](store::StoreTransaction& t) {
                    return t.set_consumer_checkpoint("recovery-dispatcher", 0);
                  })
                  .is_ok());
  dispatcher_ = make_dispatcher();
  drain();
  EXPECT_EQ(started_.size(), 1u);
  auto cp = dispatcher_->checkpoint();
  ASSERT_TRUE(cp.is_ok());
  EXPECT_GT(*cp, 0);
}

}  // namespace
}  // namespace lifeboat::dispatch

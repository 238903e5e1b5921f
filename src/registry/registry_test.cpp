// Every rule of the registry (registry.h), against the real SQLite store.
#include "registry/registry.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "platform/local_platform_directory.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace lifeboat::registry {
namespace {

using core::EventType;
using core::HomeLocation;
using core::ProfileKey;
using core::ProfileKind;
using core::ProfileStatus;
using core::Status;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::SqliteStore::open(dir_ + "/lifeboat.db", {.clock = &clock_});
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    registry_ = std::make_unique<Registry>(*store_, platform_, clock_);
  }
  void TearDown() override {
    registry_.reset();
    store_.reset();
  }

  // An event `minutes` after a fixed origin, so tests order events explicitly.
  core::ProfileEvent event(const std::string& id, EventType type, const std::string& name,
                           std::optional<HomeLocation> home, int minutes,
                           const std::string& domain_id = "d-1",
                           const std::string& domain_name = "demo") {
    core::ProfileEvent e;
    e.id = id;
    e.type = type;
    e.time = *core::parse_rfc3339("2026-11-29T10:00:00Z") + std::chrono::minutes(minutes);
    e.domain_id = domain_id;
    e.domain_name = domain_name;
    e.profile_name = name;
    e.home = std::move(home);
    return e;
  }

  ApplyResult apply(const core::ProfileEvent& e) {
    auto r = registry_->apply(e);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? *r : ApplyResult{ApplyOutcome::kRefused, r.status().message(), {}};
  }

  // The value `fn` reads in a read transaction; a failure fails the test.
  template <typename Fn>
  auto read(Fn fn) {
    std::decay_t<decltype(fn(std::declval<store::StoreTransaction&>()).value())> out{};
    Status st = store_->read([&](store::StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(out, fn(t));
      return Status::ok();
    });
    EXPECT_TRUE(st.is_ok()) << st.to_string();
    return out;
  }

  std::optional<core::Profile> profile(const ProfileKey& key) {
    return read([&](store::StoreTransaction& t) { return t.get_profile(key); });
  }
  std::vector<store::Change> changes() {
    return read([](store::StoreTransaction& t) { return t.read_changes(0, 100000); });
  }
  std::vector<store::HistoryEntry> history(const ProfileKey& key) {
    return read([&](store::StoreTransaction& t) { return t.list_history(key); });
  }

  // Row count of every table: "nothing written" means none of these moved.
  std::vector<std::pair<std::string, std::int64_t>> table_sizes() {
    std::vector<std::pair<std::string, std::int64_t>> out;
    Status st = store_->read([&](store::StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(out, t.table_row_counts());
      return Status::ok();
    });
    EXPECT_TRUE(st.is_ok()) << st.to_string();
    return out;
  }
  std::int64_t rows_in(std::string_view table) {
    for (const auto& [name, rows] : table_sizes())
      if (name == table) return rows;
    ADD_FAILURE() << "no table " << table;
    return -1;
  }

  void create_domain(int minutes = 0) {
    auto e = event("dom-" + std::to_string(minutes), EventType::kCreateDomain, "", std::nullopt,
                   minutes);
    e.home_volume_id = "fs-1";
    ASSERT_EQ(apply(e).outcome, ApplyOutcome::kApplied);
  }

  lifeboat::testing::TempDir tmp_{"lifeboat-registry"};
  std::string dir_ = tmp_.path();
  core::FakeClock clock_;
  platform::LocalPlatformDirectory platform_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Registry> registry_;
  const ProfileKey alice_{"demo", ProfileKind::kUser, "alice"};
};

TEST_F(RegistryTest, CreateDomainRecordsItsHomeVolume) {
  create_domain();
  auto d = read([](store::StoreTransaction& t) { return t.get_domain("d-1"); });
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->name, "demo");
  EXPECT_EQ(d->home_volume_id, "fs-1");
  EXPECT_EQ(d->status, core::DomainStatus::kActive);
}

TEST_F(RegistryTest, NewProfileIsAnInsertWithReplicationOn) {
  create_domain();
  auto r =
      apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "200001"}, 1));
  EXPECT_EQ(r.outcome, ApplyOutcome::kApplied) << r.message;
  auto p = profile(alice_);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->home, (HomeLocation{"fs-1", "200001"}));
  EXPECT_TRUE(p->replication);
  EXPECT_EQ(p->status, ProfileStatus::kActive);
  auto c = changes();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].op, store::ChangeOp::kInsert);
  EXPECT_FALSE(c[0].old_image.has_value());
  EXPECT_EQ(c[0].new_image->home, p->home);
  EXPECT_EQ(c[0].event_id, "e1");
  EXPECT_EQ(history(alice_).size(), 1u);
}

TEST_F(RegistryTest, DeleteKeepsTheHomeAndRecreationIsAModifyFromOldToNewHome) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "200001"}, 1));
  auto del = apply(event("e2", EventType::kDeleteUserProfile, "alice", std::nullopt, 2));
  EXPECT_EQ(del.outcome, ApplyOutcome::kApplied);
  auto deleted = profile(alice_);
  EXPECT_EQ(deleted->status, ProfileStatus::kDeleted);
  EXPECT_EQ(deleted->home, (HomeLocation{"fs-1", "200001"})) << "the backup pointer is kept";
  apply(event("e3", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "200777"}, 3));
  auto c = changes();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[2].op, store::ChangeOp::kModify);
  EXPECT_EQ(c[2].old_image->home, (HomeLocation{"fs-1", "200001"}));
  EXPECT_EQ(c[2].new_image->home, (HomeLocation{"fs-1", "200777"}));
  EXPECT_EQ(c[2].new_image->status, ProfileStatus::kActive);
  EXPECT_EQ(profile(alice_)->home, (HomeLocation{"fs-1", "200777"}));
  auto h = history(alice_);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].event_type, "DeleteUserProfile");
}

// A recreation whose event does not carry the new home (a CloudTrail record applied
// without asking the platform) keeps the old home as the source of the recovery that
// follows once the home is known.
TEST_F(RegistryTest, ARecreationWithoutItsHomeKeepsTheOldHomeForTheRecovery) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "200001"}, 1));
  apply(event("e2", EventType::kDeleteUserProfile, "alice", std::nullopt, 2));
  apply(event("e3", EventType::kCreateUserProfile, "alice", std::nullopt, 3));
  auto recreated = profile(alice_);
  EXPECT_EQ(recreated->status, ProfileStatus::kActive);
  EXPECT_EQ(recreated->home, std::nullopt);
  EXPECT_EQ(recreated->pending_source, (HomeLocation{"fs-1", "200001"}));
  apply(event("e4", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "200002"}, 4));
  auto c = changes();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[3].old_image->home, (HomeLocation{"fs-1", "200001"}));
  EXPECT_EQ(c[3].new_image->home, (HomeLocation{"fs-1", "200002"}));
  EXPECT_EQ(profile(alice_)->pending_source, std::nullopt);
}

TEST_F(RegistryTest, UserAndSpaceOfTheSameNameAreDifferentKeys) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1));
  apply(event("e2", EventType::kCreateSpace, "alice", HomeLocation{"fs-1", "2"}, 2));
  apply(event("e3", EventType::kDeleteSpace, "alice", std::nullopt, 3));
  ProfileKey space{"demo", ProfileKind::kSpace, "alice"};
  EXPECT_EQ(profile(alice_)->home, (HomeLocation{"fs-1", "1"}));
  EXPECT_EQ(profile(alice_)->status, ProfileStatus::kActive);
  EXPECT_EQ(profile(space)->home, (HomeLocation{"fs-1", "2"}));
  EXPECT_EQ(profile(space)->status, ProfileStatus::kDeleted);
  auto c = changes();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1].op, store::ChangeOp::kInsert) << "the space is not a recreation of the user";
}

TEST_F(RegistryTest, ReplicationFlagSurvivesRecreation) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1));
  ASSERT_TRUE(registry_->set_replication(alice_, false).is_ok());
  apply(event("e2", EventType::kDeleteUserProfile, "alice", std::nullopt, 2));
  apply(event("e3", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "9"}, 3));
  EXPECT_FALSE(profile(alice_)->replication);
  EXPECT_FALSE(changes().back().new_image->replication);
}

TEST_F(RegistryTest, FlagChangeWritesAModifyWithEqualHomes) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1));
  auto off = registry_->set_replication(alice_, false);
  ASSERT_TRUE(off.is_ok()) << off.status().to_string();
  EXPECT_FALSE(off->replication);
  auto c = changes();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].op, store::ChangeOp::kModify);
  EXPECT_EQ(c[1].old_image->home, c[1].new_image->home);
  EXPECT_TRUE(c[1].old_image->replication);
  EXPECT_FALSE(c[1].new_image->replication);
  EXPECT_EQ(history(alice_).back().event_type, "ReplicationDisabled");
  // Setting the flag to what it already is changes nothing.
  ASSERT_TRUE(registry_->set_replication(alice_, false).is_ok());
  EXPECT_EQ(changes().size(), 2u);
  ASSERT_TRUE(registry_->set_replication(alice_, true).is_ok());
  EXPECT_TRUE(profile(alice_)->replication);
  auto unknown = registry_->set_replication({"demo", ProfileKind::kUser, "nobody"}, false);
  EXPECT_EQ(unknown.status().code(), core::StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("demo/user/nobody"), std::string::npos);
}

TEST_F(RegistryTest, RecordResultWritesAModifyWithEqualHomes) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1));
  core::ReplicationResult r{"SUCCESS", 100, 120, 7, 1500, "exec-9"};
  auto p = registry_->record_result(alice_, r);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->last_replication, r);
  EXPECT_EQ(profile(alice_)->last_replication, r);
  auto c = changes();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].old_image->home, c[1].new_image->home);
  EXPECT_EQ(c[1].new_image->last_replication, r);
  EXPECT_EQ(registry_->record_result({"x", ProfileKind::kSpace, "y"}, r).status().code(),
            core::StatusCode::kNotFound);
}

TEST_F(RegistryTest, AddTargetAcrossDomainsThenCreationCopiesFromTheSource) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "200001"}, 1));
  ProfileKey target{"other", ProfileKind::kSpace, "team"};
  auto pending = registry_->add_target(alice_, target);
  ASSERT_TRUE(pending.is_ok()) << pending.status().to_string();
  EXPECT_EQ(pending->status, ProfileStatus::kPending);
  EXPECT_EQ(pending->pending_source, (HomeLocation{"fs-1", "200001"}));
  auto c = changes();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].op, store::ChangeOp::kInsert);
  EXPECT_FALSE(c[1].new_image->home.has_value()) << "nothing to copy into yet";
  apply(event("e2", EventType::kCreateSpace, "team", HomeLocation{"fs-2", "300001"}, 2, "d-2",
              "other"));
  c = changes();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[2].op, store::ChangeOp::kModify);
  EXPECT_EQ(c[2].old_image->home, (HomeLocation{"fs-1", "200001"})) << "old image = pending source";
  EXPECT_EQ(c[2].new_image->home, (HomeLocation{"fs-2", "300001"}));
  auto created = profile(target);
  EXPECT_EQ(created->status, ProfileStatus::kActive);
  EXPECT_FALSE(created->pending_source.has_value());
  EXPECT_EQ(created->domain_id, "d-2");
}

TEST_F(RegistryTest, AddTargetRefusesAnExistingTargetOrUnknownSourceAndWritesNothing) {
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1));
  apply(event("e2", EventType::kCreateUserProfile, "bob", HomeLocation{"fs-1", "2"}, 2));
  auto before = table_sizes();
  auto exists = registry_->add_target(alice_, {"demo", ProfileKind::kUser, "bob"});
  EXPECT_EQ(exists.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_NE(exists.status().message().find("already exists"), std::string::npos);
  auto unknown = registry_->add_target({"demo", ProfileKind::kUser, "ghost"},
                                       {"demo", ProfileKind::kUser, "new"});
  EXPECT_EQ(unknown.status().code(), core::StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("demo/user/ghost"), std::string::npos);
  auto bad = registry_->add_target(alice_, {"demo", ProfileKind::kUser, "../x"});
  EXPECT_EQ(bad.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("target-profile-name"), std::string::npos);
  EXPECT_EQ(table_sizes(), before);
}

TEST_F(RegistryTest, TheSameEventTwiceIsADuplicate) {
  auto e = event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1);
  EXPECT_EQ(apply(e).outcome, ApplyOutcome::kApplied);
  auto before = table_sizes();
  auto again = apply(e);
  EXPECT_EQ(again.outcome, ApplyOutcome::kDuplicate);
  EXPECT_NE(again.message.find("e1"), std::string::npos);
  EXPECT_EQ(table_sizes(), before);
}

TEST_F(RegistryTest, AnOlderEventIsRecordedInHistoryOnly) {
  apply(event("e2", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 10));
  auto row = profile(alice_);
  auto r = apply(event("e1", EventType::kDeleteUserProfile, "alice", std::nullopt, 5));
  EXPECT_EQ(r.outcome, ApplyOutcome::kStale);
  EXPECT_EQ(profile(alice_), row) << "the current row did not change";
  EXPECT_EQ(changes().size(), 1u);
  auto h = history(alice_);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].event_id, "e1");
  EXPECT_EQ(h[1].outcome, "stale");
  EXPECT_EQ(apply(event("e1", EventType::kDeleteUserProfile, "alice", std::nullopt, 5)).outcome,
            ApplyOutcome::kDuplicate);
}

TEST_F(RegistryTest, BadInputIsRefusedNamingTheFieldAndWritesNothing) {
  create_domain();
  auto before = table_sizes();
  struct Case {
    std::string name;
    std::string field;
  };
  for (const Case& c :
       {Case{"a/b", "userProfileName"}, Case{"..", "userProfileName"},
        Case{std::string("a\0b", 3), "userProfileName"},
        Case{std::string(64, 'x'), "userProfileName"}, Case{"", "userProfileName"}}) {
    auto r =
        apply(event("bad", EventType::kCreateUserProfile, c.name, HomeLocation{"fs-1", "1"}, 1));
    EXPECT_EQ(r.outcome, ApplyOutcome::kRefused) << c.name;
    EXPECT_NE(r.message.find(c.field), std::string::npos) << r.message;
  }
  auto ok_len = apply(
      event("ok63", EventType::kCreateSpace, std::string(63, 'x'), HomeLocation{"fs-1", "1"}, 1));
  EXPECT_EQ(ok_len.outcome, ApplyOutcome::kApplied) << "63 characters is SageMaker's limit";
  before = table_sizes();
  auto bad_home =
      apply(event("bad2", EventType::kCreateUserProfile, "bob", HomeLocation{"fs-1", "../etc"}, 1));
  EXPECT_EQ(bad_home.outcome, ApplyOutcome::kRefused);
  EXPECT_NE(bad_home.message.find("homeEfsFileSystemUid"), std::string::npos);
  auto no_id = event("", EventType::kCreateUserProfile, "bob", std::nullopt, 1);
  EXPECT_EQ(apply(no_id).outcome, ApplyOutcome::kRefused);
  auto unknown_domain =
      event("e9", EventType::kDeleteUserProfile, "bob", std::nullopt, 1, "d-zzz", "");
  auto r = apply(unknown_domain);
  EXPECT_EQ(r.outcome, ApplyOutcome::kRefused);
  EXPECT_NE(r.message.find("domainName"), std::string::npos) << r.message;
  EXPECT_EQ(table_sizes(), before);
}

TEST_F(RegistryTest, DomainNameIsResolvedFromTheDomainId) {
  create_domain();
  apply(
      event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1, "d-1", ""));
  EXPECT_TRUE(profile(alice_).has_value());
}

TEST_F(RegistryTest, HomeComesFromThePlatformWhenTheEventLacksIt) {
  platform::LocalPlatformDirectory templated({"{kind}-{name}", ""});
  Registry reg(*store_, templated, clock_);
  create_domain();
  auto r = reg.apply(event("e1", EventType::kCreateUserProfile, "alice", std::nullopt, 1));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(profile(alice_)->home, (HomeLocation{"fs-1", "user-alice"}));
}

TEST_F(RegistryTest, DeleteDomainDeletesItsProfilesAndKeepsTheirHomes) {
  create_domain();
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1));
  apply(event("e2", EventType::kCreateSpace, "lab", HomeLocation{"fs-1", "2"}, 2));
  auto r = apply(event("e3", EventType::kDeleteDomain, "", std::nullopt, 3));
  EXPECT_EQ(r.outcome, ApplyOutcome::kApplied);
  EXPECT_EQ(r.changes.size(), 2u);
  EXPECT_EQ(profile(alice_)->status, ProfileStatus::kDeleted);
  EXPECT_EQ(profile(alice_)->home, (HomeLocation{"fs-1", "1"}));
  EXPECT_EQ(profile({"demo", ProfileKind::kSpace, "lab"})->status, ProfileStatus::kDeleted);
  // The domain comes back under a new id and the same name: the same keys, recreated.
  auto e = event("e4", EventType::kCreateDomain, "", std::nullopt, 4, "d-2");
  e.home_volume_id = "fs-1";
  apply(e);
  apply(event("e5", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "5"}, 5, "d-2"));
  auto c = changes().back();
  EXPECT_EQ(c.op, store::ChangeOp::kModify);
  EXPECT_EQ(c.old_image->home, (HomeLocation{"fs-1", "1"}));
  EXPECT_EQ(c.new_image->home, (HomeLocation{"fs-1", "5"}));
  EXPECT_EQ(c.new_image->domain_id, "d-2");
}

TEST_F(RegistryTest, AnOlderDomainEventIsStale) {
  create_domain(10);
  auto r = apply(event("old-delete", EventType::kDeleteDomain, "", std::nullopt, 5));
  EXPECT_EQ(r.outcome, ApplyOutcome::kStale) << r.message;
  auto d = read([](store::StoreTransaction& t) { return t.get_domain("d-1"); });
  EXPECT_EQ(d->status, core::DomainStatus::kActive);
}

// A delete names a home but proves nothing about it: were it kept, the next creation would
// copy from whatever directory the event chose (docs/security.md).
TEST_F(RegistryTest, DeletionOfAnUnseenProfileIsHistoryOnlyAndInventsNoHome) {
  const auto profiles_before = rows_in("profiles");
  auto r =
      apply(event("e1", EventType::kDeleteUserProfile, "alice", HomeLocation{"fs-1", "42"}, 1));
  EXPECT_EQ(r.outcome, ApplyOutcome::kApplied);
  EXPECT_NE(r.message.find("never recorded"), std::string::npos) << r.message;
  EXPECT_FALSE(profile(alice_).has_value());
  EXPECT_EQ(history(alice_).size(), 1u);
  EXPECT_TRUE(r.changes.empty());
  apply(event("e2", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "43"}, 2));
  auto c = changes().back();
  EXPECT_EQ(c.op, store::ChangeOp::kInsert) << "a first sight, not a recreation";
  EXPECT_FALSE(c.old_image.has_value());
  EXPECT_GT(rows_in("profiles"), profiles_before);
}

TEST_F(RegistryTest, ANewHomeThatIsAnotherActiveProfilesHomeIsRefused) {
  create_domain();
  apply(event("e1", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1));
  apply(event("e2", EventType::kCreateUserProfile, "bob", HomeLocation{"fs-1", "2"}, 2));
  apply(event("e3", EventType::kDeleteUserProfile, "bob", std::nullopt, 3));
  auto before = table_sizes();
  auto r = apply(event("e4", EventType::kCreateUserProfile, "bob", HomeLocation{"fs-1", "1"}, 4));
  EXPECT_EQ(r.outcome, ApplyOutcome::kRefused);
  EXPECT_NE(r.message.find("homeEfsFileSystemUid"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("demo/user/alice"), std::string::npos) << r.message;
  EXPECT_EQ(table_sizes(), before);
  // A profile keeps its own home across a recreation, and a deleted profile's home is no
  // one's active home.
  EXPECT_EQ(apply(event("e5", EventType::kCreateUserProfile, "bob", HomeLocation{"fs-1", "2"}, 5))
                .outcome,
            ApplyOutcome::kApplied);
  apply(event("e6", EventType::kDeleteUserProfile, "alice", std::nullopt, 6));
  EXPECT_EQ(
      apply(event("e7", EventType::kCreateSpace, "lab", HomeLocation{"fs-1", "1"}, 7)).outcome,
      ApplyOutcome::kApplied);
}

TEST_F(RegistryTest, RootAsTheNewOwnerIsRefusedUnlessThePolicyAllowsIt) {
  create_domain();
  auto before = table_sizes();
  for (bool uid : {true, false}) {
    auto e = event("root", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1);
    e.owner_uid = uid ? 0 : 1001;
    e.owner_gid = uid ? 1001 : 0;
    auto r = apply(e);
    EXPECT_EQ(r.outcome, ApplyOutcome::kRefused);
    EXPECT_NE(r.message.find(uid ? "ownerUid" : "ownerGid"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("allow_root_owner"), std::string::npos) << r.message;
    EXPECT_FALSE(registry_->check(e).is_ok());
  }
  auto huge = event("huge", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1);
  huge.owner_uid = 4294967295LL;
  EXPECT_EQ(apply(huge).outcome, ApplyOutcome::kRefused);
  EXPECT_EQ(table_sizes(), before);

  Registry permissive(*store_, platform_, clock_, EventPolicy{.allow_root_owner = true});
  auto e = event("root-ok", EventType::kCreateUserProfile, "alice", HomeLocation{"fs-1", "1"}, 1);
  e.owner_uid = 0;
  e.owner_gid = 0;
  auto r = permissive.apply(e);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->outcome, ApplyOutcome::kApplied) << r->message;
  huge.id = "huge-2";
  EXPECT_EQ(permissive.apply(huge)->outcome, ApplyOutcome::kRefused) << "never above the range";
}

}  // namespace
}  // namespace lifeboat::registry

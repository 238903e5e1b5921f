// The conformance suite every Store implementation passes: a new backend is added to StoreTypes and
// must pass all of it. Instantiated for SQLite and for PostgreSQL (a fresh database per test on
// the server ctest starts; see src/testing/postgres_database.h).
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "store/open_store.h"
#include "store/schema_migrations.h"
#include "store/sql_store_transaction.h"
#include "store/sqlite_store.h"
#include "store/store_test_factories.h"

namespace lifeboat::store {
namespace {

using core::Status;
using core::StatusCode;

template <typename Factory>
class StoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = factory_.open();
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }

  // Runs `fn` in a write transaction and fails the test if it does not commit.
  void write(const TransactionFn& fn) {
    Status st = store_->transact(fn);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }

  Factory factory_;
  std::unique_ptr<Store> store_;
};

using StoreTypes = ::testing::Types<SqliteFactory, PostgresFactory>;
TYPED_TEST_SUITE(StoreConformance, StoreTypes, FactoryNames);

core::Profile sample_profile(const std::string& name, core::ProfileKind kind) {
  core::Profile p;
  p.key = {"demo", kind, name};
  p.domain_id = "d-1";
  p.home = core::HomeLocation{"fs-1", "200001"};
  p.owner_uid = 200001;
  p.owner_gid = 1001;
  p.replication = false;
  p.pending_source = core::HomeLocation{"fs-0", "100"};
  p.status = core::ProfileStatus::kDeleted;
  p.last_replication = core::ReplicationResult{"SUCCESS", 10, 20, 3, 456, "exec-1"};
  p.last_event_time = "2026-11-29T10:00:00.000Z";
  p.updated_at = "2026-11-29T10:00:01.000Z";
  return p;
}

TYPED_TEST(StoreConformance, FreshStoreIsAtTheLatestSchemaVersion) {
  auto v = this->store_->schema_version();
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_EQ(*v, latest_schema_version());
  EXPECT_EQ(schema_migrations().front().version, 1);
  for (std::size_t i = 1; i < schema_migrations().size(); ++i) {
    EXPECT_EQ(schema_migrations()[i].version, schema_migrations()[i - 1].version + 1)
        << "migration versions must have no gaps";
  }
}

TYPED_TEST(StoreConformance, ReopeningKeepsDataAndAppliesNothingTwice) {
  this->write([](StoreTransaction& t) { return t.put_volume({"home", "/mnt/home"}); });
  this->store_.reset();
  auto again = this->factory_.open();
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  auto& store = *again.value();
  EXPECT_EQ(*store.schema_version(), latest_schema_version());
  Status st = store.read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                              session_of(t).query("SELECT COUNT(*) FROM schema_migrations", {}));
    EXPECT_EQ(rows[0].integer(0), static_cast<std::int64_t>(schema_migrations().size()));
    LIFEBOAT_ASSIGN_OR_RETURN(auto v, t.get_volume("home"));
    EXPECT_TRUE(v.has_value());
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, RefusesADatabaseFromANewerVersion) {
  this->write([](StoreTransaction& t) {
    return session_of(t)
        .execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                 {std::int64_t{latest_schema_version() + 1}, std::string("future"),
                  std::string("2030-01-01T00:00:00.000Z")})
        .status();
  });
  this->store_.reset();
  auto again = this->factory_.open();
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("newer"), std::string::npos) << again.status().message();
  EXPECT_NE(again.status().message().find("upgrade lifeboat"), std::string::npos);
}

TYPED_TEST(StoreConformance, AFailingMigrationLeavesTheSchemaAsItWas) {
  const int latest = latest_schema_version();
  std::vector<Migration> next = schema_migrations();
  next.push_back({latest + 1, "good", "CREATE TABLE conformance_new (id TEXT PRIMARY KEY)"});
  next.push_back({latest + 2, "bad", "INSERT INTO no_such_table (x) VALUES (1)"});
  Status st = this->store_->transact(
      [&](StoreTransaction& t) { return apply_migrations(session_of(t), "test store", next); });
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("migration " + std::to_string(latest + 2) + " (bad)"),
            std::string::npos)
      << st.message();
  EXPECT_EQ(*this->store_->schema_version(), latest);
  Status probe = this->store_->read([](StoreTransaction& t) {
    return session_of(t).query("SELECT id FROM conformance_new", {}).status();
  });
  EXPECT_FALSE(probe.is_ok()) << "the good migration's table was rolled back too";
  // Applying only the good one works and is recorded.
  next.pop_back();
  this->write(
      [&](StoreTransaction& t) { return apply_migrations(session_of(t), "test store", next); });
  EXPECT_EQ(*this->store_->schema_version(), latest + 1);
}

TYPED_TEST(StoreConformance, VolumesPutGetListReplace) {
  this->write([](StoreTransaction& t) -> Status {
    LIFEBOAT_RETURN_IF_ERROR(t.put_volume({"fs-b", "/mnt/b"}));
    LIFEBOAT_RETURN_IF_ERROR(t.put_volume({"fs-a", "/mnt/a"}));
    return t.put_volume({"fs-b", "/mnt/b2"});
  });
  Status st = this->store_->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto all, t.list_volumes());
    EXPECT_EQ(all, (std::vector<core::Volume>{{"fs-a", "/mnt/a"}, {"fs-b", "/mnt/b2"}}));
    LIFEBOAT_ASSIGN_OR_RETURN(auto missing, t.get_volume("nope"));
    EXPECT_FALSE(missing.has_value());
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, DomainsPutGetFindList) {
  core::Domain old_demo{"d-old", "demo", "fs-1", core::DomainStatus::kDeleted, "t1"};
  core::Domain new_demo{"d-new", "demo", "fs-2", core::DomainStatus::kActive, "t2"};
  core::Domain other{"d-x", "alpha", "", core::DomainStatus::kActive, "t3"};
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_RETURN_IF_ERROR(t.put_domain(new_demo));
    LIFEBOAT_RETURN_IF_ERROR(t.put_domain(old_demo));
    return t.put_domain(other);
  });
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto got, t.get_domain("d-old"));
    EXPECT_EQ(got, old_demo);
    LIFEBOAT_ASSIGN_OR_RETURN(auto by_name, t.find_domain_by_name("demo"));
    EXPECT_EQ(by_name, new_demo) << "the active domain of a name wins";
    LIFEBOAT_ASSIGN_OR_RETURN(auto none, t.find_domain_by_name("zzz"));
    EXPECT_FALSE(none.has_value());
    LIFEBOAT_ASSIGN_OR_RETURN(auto all, t.list_domains());
    EXPECT_EQ(all, (std::vector<core::Domain>{other, new_demo, old_demo}));
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, ProfilesRoundTripEveryField) {
  core::Profile full = sample_profile("alice", core::ProfileKind::kUser);
  core::Profile bare;
  bare.key = {"demo", core::ProfileKind::kSpace, "alice"};
  bare.domain_id = "d-1";
  bare.last_event_time = "2026-11-29T10:00:00.000Z";
  bare.updated_at = "2026-11-29T10:00:00.000Z";
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_RETURN_IF_ERROR(t.put_profile(full));
    return t.put_profile(bare);
  });
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto got_full, t.get_profile(full.key));
    EXPECT_EQ(got_full, full);
    LIFEBOAT_ASSIGN_OR_RETURN(auto got_bare, t.get_profile(bare.key));
    EXPECT_EQ(got_bare, bare) << "a user and a space of the same name are different rows";
    LIFEBOAT_ASSIGN_OR_RETURN(auto none, t.get_profile({"demo", core::ProfileKind::kUser, "bob"}));
    EXPECT_FALSE(none.has_value());
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, PutProfileReplacesTheCurrentRow) {
  core::Profile p = sample_profile("alice", core::ProfileKind::kUser);
  this->write([&](StoreTransaction& t) { return t.put_profile(p); });
  p.home = core::HomeLocation{"fs-1", "200777"};
  p.pending_source.reset();
  p.last_replication.reset();
  p.owner_uid.reset();
  p.status = core::ProfileStatus::kActive;
  this->write([&](StoreTransaction& t) { return t.put_profile(p); });
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto got, t.get_profile(p.key));
    EXPECT_EQ(got, p);
    LIFEBOAT_ASSIGN_OR_RETURN(auto all, t.list_profiles({}));
    EXPECT_EQ(all.size(), 1u);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, ListProfilesFiltersByDomainNameAndId) {
  core::Profile a = sample_profile("a", core::ProfileKind::kUser);
  core::Profile b = sample_profile("b", core::ProfileKind::kSpace);
  core::Profile c = sample_profile("c", core::ProfileKind::kUser);
  c.key.domain_name = "other";
  c.domain_id = "d-2";
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_RETURN_IF_ERROR(t.put_profile(c));
    LIFEBOAT_RETURN_IF_ERROR(t.put_profile(b));
    return t.put_profile(a);
  });
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto all, t.list_profiles({}));
    EXPECT_EQ(all, (std::vector<core::Profile>{b, a, c})) << "space sorts before user";
    LIFEBOAT_ASSIGN_OR_RETURN(auto demo, t.list_profiles({.domain_name = "demo"}));
    EXPECT_EQ(demo, (std::vector<core::Profile>{b, a}));
    LIFEBOAT_ASSIGN_OR_RETURN(auto d2, t.list_profiles({.domain_id = "d-2"}));
    EXPECT_EQ(d2, (std::vector<core::Profile>{c}));
    LIFEBOAT_ASSIGN_OR_RETURN(auto none, t.list_profiles({.domain_name = "nope"}));
    EXPECT_TRUE(none.empty());
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, HistoryIsAppendedInOrderPerKey) {
  core::ProfileKey alice{"demo", core::ProfileKind::kUser, "alice"};
  core::ProfileKey alice_space{"demo", core::ProfileKind::kSpace, "alice"};
  HistoryEntry e1{0,
                  "ev-1",
                  "CreateUserProfile",
                  "2026-11-29T10:00:00.000Z",
                  "2026-11-29T10:00:01.000Z",
                  alice,
                  std::string(kOutcomeApplied),
                  core::Json{{"x", 1}}};
  HistoryEntry e2 = e1;
  e2.event_id = "ev-2";
  e2.event_type = "DeleteUserProfile";
  e2.outcome = std::string(kOutcomeStale);
  HistoryEntry other = e1;
  other.event_id = "ev-3";
  other.key = alice_space;
  std::int64_t s1 = 0;
  std::int64_t s2 = 0;
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(s1, t.append_history(e1));
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t s3, t.append_history(other));
    (void)s3;
    LIFEBOAT_ASSIGN_OR_RETURN(s2, t.append_history(e2));
    return Status::ok();
  });
  EXPECT_LT(s1, s2);
  e1.seq = s1;
  e2.seq = s2;
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto h, t.list_history(alice));
    EXPECT_EQ(h, (std::vector<HistoryEntry>{e1, e2}));
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, ChangesCarryBothImagesAndReadInSeqOrder) {
  core::Profile old_p = sample_profile("alice", core::ProfileKind::kUser);
  core::Profile new_p = old_p;
  new_p.home = core::HomeLocation{"fs-1", "200999"};
  Change insert{
      0, "ev-1", old_p.key, ChangeOp::kInsert, std::nullopt, old_p, "2026-11-29T10:00:00.000Z"};
  Change modify{0, "ev-2", old_p.key, ChangeOp::kModify, old_p, new_p, "2026-11-29T10:00:02.000Z"};
  Change remove{
      0, "ev-3", old_p.key, ChangeOp::kRemove, new_p, std::nullopt, "2026-11-29T10:00:03.000Z"};
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(insert.seq, t.append_change(insert));
    LIFEBOAT_ASSIGN_OR_RETURN(modify.seq, t.append_change(modify));
    LIFEBOAT_ASSIGN_OR_RETURN(remove.seq, t.append_change(remove));
    return Status::ok();
  });
  EXPECT_LT(insert.seq, modify.seq);
  EXPECT_LT(modify.seq, remove.seq);
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto all, t.read_changes(0, 100));
    EXPECT_EQ(all, (std::vector<Change>{insert, modify, remove}));
    LIFEBOAT_ASSIGN_OR_RETURN(auto after_first, t.read_changes(insert.seq, 1));
    EXPECT_EQ(after_first, (std::vector<Change>{modify}));
    LIFEBOAT_ASSIGN_OR_RETURN(auto none, t.read_changes(remove.seq, 100));
    EXPECT_TRUE(none.empty());
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, ProcessedEventsAreRecordedOnce) {
  this->write([](StoreTransaction& t) { return t.record_processed_event("ev-1", "applied"); });
  Status again = this->store_->transact(
      [](StoreTransaction& t) { return t.record_processed_event("ev-1", "applied"); });
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.to_string();
  EXPECT_NE(again.message().find("ev-1"), std::string::npos);
  Status st = this->store_->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(bool seen, t.is_event_processed("ev-1"));
    EXPECT_TRUE(seen);
    LIFEBOAT_ASSIGN_OR_RETURN(bool unseen, t.is_event_processed("ev-2"));
    EXPECT_FALSE(unseen);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, ConsumerCheckpointsStartAtZeroAndMove) {
  this->write([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t start, t.consumer_checkpoint("dispatcher"));
    EXPECT_EQ(start, 0);
    LIFEBOAT_RETURN_IF_ERROR(t.set_consumer_checkpoint("dispatcher", 7));
    LIFEBOAT_RETURN_IF_ERROR(t.set_consumer_checkpoint("dispatcher", 9));
    return t.set_consumer_checkpoint("other", 1);
  });
  Status st = this->store_->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t d, t.consumer_checkpoint("dispatcher"));
    EXPECT_EQ(d, 9);
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t o, t.consumer_checkpoint("other"));
    EXPECT_EQ(o, 1);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, AnErrorRollsBackEverythingTheTransactionDid) {
  core::Profile p = sample_profile("alice", core::ProfileKind::kUser);
  Status st = this->store_->transact([&](StoreTransaction& t) -> Status {
    LIFEBOAT_RETURN_IF_ERROR(t.put_profile(p));
    LIFEBOAT_RETURN_IF_ERROR(t.put_volume({"fs-1", "/mnt"}));
    auto seq = t.append_change({0, "ev", p.key, ChangeOp::kInsert, std::nullopt, p, ""});
    EXPECT_TRUE(seq.is_ok());
    LIFEBOAT_RETURN_IF_ERROR(t.record_processed_event("ev", "applied"));
    return Status::invalid_argument("changed my mind");
  });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "changed my mind");
  Status thrown = this->store_->transact([&](StoreTransaction& t) -> Status {
    LIFEBOAT_RETURN_IF_ERROR(t.put_profile(p));
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(thrown.code(), StatusCode::kInternal);
  Status check = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto got, t.get_profile(p.key));
    EXPECT_FALSE(got.has_value());
    LIFEBOAT_ASSIGN_OR_RETURN(auto vols, t.list_volumes());
    EXPECT_TRUE(vols.empty());
    LIFEBOAT_ASSIGN_OR_RETURN(auto changes, t.read_changes(0, 10));
    EXPECT_TRUE(changes.empty());
    LIFEBOAT_ASSIGN_OR_RETURN(bool seen, t.is_event_processed("ev"));
    EXPECT_FALSE(seen);
    return Status::ok();
  });
  EXPECT_TRUE(check.is_ok()) << check.to_string();
  // The store stays usable after a rollback, and sequence numbers do not skip backwards.
  this->write([&](StoreTransaction& t) { return t.put_profile(p); });
}

TYPED_TEST(StoreConformance, CommitsAreVisibleToAnotherConnection) {
  auto other = this->factory_.open();
  ASSERT_TRUE(other.is_ok()) << other.status().to_string();
  this->write([](StoreTransaction& t) { return t.put_volume({"home", "/srv/home"}); });
  Status st = other.value()->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto v, t.get_volume("home"));
    EXPECT_EQ(v, (core::Volume{"home", "/srv/home"}));
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, ConcurrentWritersOnTwoConnectionsLoseNothing) {
  auto other = this->factory_.open();
  ASSERT_TRUE(other.is_ok()) << other.status().to_string();
  constexpr int kPerWriter = 100;
  auto writer = [&](Store* store, const std::string& prefix, Status* out) {
    for (int i = 0; i < kPerWriter; ++i) {
      core::ProfileKey key{"demo", core::ProfileKind::kUser, prefix + std::to_string(i)};
      Status st = store->transact([&](StoreTransaction& t) -> Status {
        LIFEBOAT_ASSIGN_OR_RETURN(auto seq, t.append_change({0, prefix, key, ChangeOp::kInsert,
                                                             std::nullopt, std::nullopt, ""}));
        (void)seq;
        return t.record_processed_event(prefix + std::to_string(i), "applied");
      });
      if (!st.is_ok()) {
        *out = st;
        return;
      }
    }
  };
  Status a;
  Status b;
  std::thread ta(writer, this->store_.get(), "a", &a);
  std::thread tb(writer, other.value().get(), "b", &b);
  ta.join();
  tb.join();
  ASSERT_TRUE(a.is_ok()) << a.to_string();
  ASSERT_TRUE(b.is_ok()) << b.to_string();
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto changes, t.read_changes(0, 10 * kPerWriter));
    EXPECT_EQ(changes.size(), 2u * kPerWriter);
    for (std::size_t i = 0; i < changes.size(); ++i) {
      EXPECT_EQ(changes[i].seq, static_cast<std::int64_t>(i + 1)) << "seq has no gaps or repeats";
    }
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, TransfersAppendListNewestFirstAndReplaceARerun) {
  auto record = [](const std::string& name, const std::string& execution, std::int64_t bytes) {
    TransferRecord r;
    r.key = {"demo", core::ProfileKind::kUser, name};
    r.result = core::ReplicationResult{"SUCCESS", bytes, bytes, 3, 40, execution};
    r.recorded_at = "2026-11-29T10:00:00.000Z";
    return r;
  };
  std::int64_t first = 0;
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(first, t.append_transfer(record("alice", "exec-1", 10)));
    LIFEBOAT_ASSIGN_OR_RETURN(auto second, t.append_transfer(record("bob", "exec-2", 20)));
    EXPECT_GT(second, first);
    // The same execution recording alice's result again (a re-run task) replaces the row.
    return t.append_transfer(record("alice", "exec-1", 11)).status();
  });
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto all, t.list_transfers(10));
    EXPECT_EQ(all.size(), 2u);
    if (all.size() == 2) {
      EXPECT_EQ(all[0].key.name, "alice") << "newest first";
      EXPECT_EQ(all[0].result.bytes_written, 11);
      EXPECT_EQ(all[0].result, record("alice", "exec-1", 11).result);
      EXPECT_EQ(all[0].recorded_at, "2026-11-29T10:00:00.000Z");
      EXPECT_EQ(all[1].key.name, "bob");
    }
    LIFEBOAT_ASSIGN_OR_RETURN(auto one, t.list_transfers(1));
    EXPECT_EQ(one.size(), 1u);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, HeldEventsHoldOnceComeDueRescheduleAndRelease) {
  auto held = [](const std::string& id, const std::string& next) {
    HeldEvent h;
    h.event_id = id;
    h.event = core::Json{{"id", id}};
    h.rule = "sagemaker";
    h.held_at = "2026-11-29T10:00:00.000Z";
    h.next_attempt_at = next;
    h.deadline = "2026-11-29T11:00:00.000Z";
    return h;
  };
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(bool a, t.hold_event(held("a", "2026-11-29T10:00:02.000Z")));
    LIFEBOAT_ASSIGN_OR_RETURN(bool b, t.hold_event(held("b", "2026-11-29T10:00:01.000Z")));
    LIFEBOAT_ASSIGN_OR_RETURN(bool again, t.hold_event(held("a", "2026-11-29T10:30:00.000Z")));
    EXPECT_TRUE(a && b);
    EXPECT_FALSE(again) << "an event held already is not held twice";
    return Status::ok();
  });
  this->write([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto next, t.next_held_attempt());
    EXPECT_EQ(next, "2026-11-29T10:00:01.000Z");
    LIFEBOAT_ASSIGN_OR_RETURN(auto due, t.due_held_events("2026-11-29T10:00:01.500Z", 10));
    EXPECT_EQ(due.size(), 1u);
    if (!due.empty()) {
      EXPECT_EQ(due[0], held("b", "2026-11-29T10:00:01.000Z"));
    }
    LIFEBOAT_RETURN_IF_ERROR(
        t.reschedule_held_event("b", "2026-11-29T10:00:05.000Z", 1, "not InService"));
    EXPECT_EQ(t.reschedule_held_event("nope", "2026-11-29T10:00:05.000Z", 1, "x").code(),
              StatusCode::kNotFound);
    LIFEBOAT_ASSIGN_OR_RETURN(auto all, t.list_held_events(10));
    EXPECT_EQ(all.size(), 2u);
    if (all.size() == 2) {
      EXPECT_EQ(all[0].event_id, "a") << "soonest next attempt first";
      EXPECT_EQ(all[1].attempts, 1);
      EXPECT_EQ(all[1].last_error, "not InService");
    }
    LIFEBOAT_RETURN_IF_ERROR(t.release_held_event("a"));
    LIFEBOAT_RETURN_IF_ERROR(t.release_held_event("never-held"));
    LIFEBOAT_ASSIGN_OR_RETURN(bool a_held, t.is_event_held("a"));
    LIFEBOAT_ASSIGN_OR_RETURN(bool b_held, t.is_event_held("b"));
    EXPECT_FALSE(a_held);
    EXPECT_TRUE(b_held);
    return Status::ok();
  });
}

TYPED_TEST(StoreConformance, TableRowCountsNameEveryTableAndCountItsRows) {
  this->write([](StoreTransaction& t) { return t.put_volume({"home", "/mnt/home"}); });
  Status st = this->store_->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto counts, t.table_row_counts());
    std::vector<std::string_view> names;
    for (const auto& [name, rows] : counts) {
      names.push_back(name);
      if (name == "volumes") {
        EXPECT_EQ(rows, 1);
      } else if (name == "profiles") {
        EXPECT_EQ(rows, 0);
      } else if (name == "schema_migrations") {
        EXPECT_EQ(rows, static_cast<std::int64_t>(schema_migrations().size()));
      }
    }
    EXPECT_EQ(names, store_tables());
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreConformance, StoreTablesListsEveryTableTheMigrationsCreate) {
  std::set<std::string> created;
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto rows, session_of(t).query(TypeParam::kTablesSql, {}));
    for (const auto& row : rows) created.insert(row.text(0));
    return Status::ok();
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  std::set<std::string> listed(store_tables().begin(), store_tables().end());
  EXPECT_EQ(created, listed) << "a migration added a table that store_tables() does not name";
}

// url() is what messages print and what --store takes: opening it reaches this very store.
TYPED_TEST(StoreConformance, UrlOpensTheSameStore) {
  this->write([](StoreTransaction& t) { return t.put_volume({"home", "/mnt/home/"}); });
  auto again = open_store(this->store_->url());
  ASSERT_TRUE(again.is_ok()) << this->store_->url() << ": " << again.status().to_string();
  EXPECT_EQ((*again)->url(), this->store_->url());
  std::optional<core::Volume> volume;
  Status st = (*again)->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(volume, t.get_volume("home"));
    return Status::ok();
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  ASSERT_TRUE(volume.has_value()) << "the store the URL names does not hold what was written";
  EXPECT_EQ(volume->mount_path, "/mnt/home/");
}

// Not part of the typed suite: URL parsing and the data directory belong to open_store.
TEST(OpenStore, RefusesUnknownSchemesAndRelativePaths) {
  auto rel = open_store("sqlite://relative.db");
  EXPECT_EQ(rel.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(open_store("mysql://x").status().code(), StatusCode::kInvalidArgument);
  auto secret = open_store("mysql://me:s3cret@x/db");
  EXPECT_EQ(secret.status().message().find("s3cret"), std::string::npos)
      << secret.status().message();
}

// Nothing listens on port 1: the message names the store (password masked), says why in
// libpq's words, and what to check.
TEST(OpenStore, AnUnreachablePostgresServerIsUnavailableAndNamesTheMaskedUrl) {
  for (const char* url : {"postgresql://lifeboat:s3cret@127.0.0.1:1/lifeboat?connect_timeout=5",
                          "postgres://lifeboat@127.0.0.1:1/lifeboat?password=s3cret"}) {
    auto pg = open_store(url);
    ASSERT_FALSE(pg.is_ok()) << url;
    const std::string msg = pg.status().message();
    EXPECT_EQ(pg.status().code(), StatusCode::kUnavailable) << msg;
    EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
    EXPECT_NE(msg.find("***"), std::string::npos) << msg;
    EXPECT_NE(msg.find("127.0.0.1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("pg_hba.conf"), std::string::npos) << msg;
    EXPECT_NE(msg.find(".pgpass"), std::string::npos) << msg;
  }
  auto bad = open_store("postgresql://me:s3cret@host:notaport/db");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().message().find("s3cret"), std::string::npos) << bad.status().message();
}

TEST(OpenStore, DataDirFromFlagThenEnvironmentCreatedPrivate) {
  SqliteFactory tmp;
  std::string from_flag = tmp.dir + "/a/b";
  auto dir = resolve_data_dir(from_flag);
  ASSERT_TRUE(dir.is_ok()) << dir.status().to_string();
  EXPECT_EQ(*dir, from_flag);
  EXPECT_EQ(std::filesystem::status(from_flag).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);
  ::setenv("LIFEBOAT_DATA_DIR", (tmp.dir + "/env").c_str(), 1);
  auto from_env = resolve_data_dir("");
  ::unsetenv("LIFEBOAT_DATA_DIR");
  ASSERT_TRUE(from_env.is_ok());
  EXPECT_EQ(*from_env, tmp.dir + "/env");
  const char* old_home = std::getenv("HOME");
  std::string saved_home = old_home != nullptr ? old_home : "";
  ::setenv("HOME", tmp.dir.c_str(), 1);
  auto from_home = resolve_data_dir("");
  ::setenv("HOME", saved_home.c_str(), 1);
  ASSERT_TRUE(from_home.is_ok());
  EXPECT_EQ(*from_home, tmp.dir + "/.local/state/lifeboat");
  EXPECT_EQ(sqlite_url_for_data_dir("/x/y"), "sqlite:///x/y/lifeboat.db");
}

}  // namespace
}  // namespace lifeboat::store

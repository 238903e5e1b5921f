// Keyset pagination (page.h) of every store list, on SQLite and on PostgreSQL: every row
// exactly once across pages while rows come and go between pages, every filter, sorts
// with ties ordered by bytes alike on both backends, and cursors and limits refused when
// malformed, forged or reused with another filter.
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/time_format.h"
#include "store/page.h"
#include "store/sql_execution_store.h"
#include "store/sql_store_transaction.h"
#include "store/store_test_factories.h"

namespace lifeboat::store {
namespace {

using core::ProfileKind;
using core::ProfileStatus;
using core::Status;

template <typename Factory>
class StorePagination : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = factory_.open();
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
  }

  void write(const TransactionFn& fn) {
    Status st = store_->transact(fn);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }

  void put(const core::Profile& p) {
    write([&](StoreTransaction& t) { return t.put_profile(p); });
  }
  void remove(const core::ProfileKey& key) {
    write([&](StoreTransaction& t) {
      return session_of(t)
          .execute("DELETE FROM profiles WHERE domain_name = ? AND kind = ? AND name = ?",
                   {key.domain_name, std::string(core::profile_kind_name(key.kind)), key.name})
          .status();
    });
  }

  core::Result<Page<core::Profile>> profiles_page(const ProfileQuery& q, const PageRequest& page) {
    Page<core::Profile> out;
    Status st = store_->read([&](StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(out, t.list_profiles_page(q, page));
      return Status::ok();
    });
    if (!st.is_ok()) return st;
    return out;
  }

  // Every profile of `q`, `limit` at a time; `between` runs after each page.
  std::vector<core::Profile> walk(const ProfileQuery& q, std::int64_t limit,
                                  const std::function<void(int)>& between = {}) {
    std::vector<core::Profile> all;
    PageRequest page{limit, ""};
    for (int n = 0; n < 1000; ++n) {
      auto got = profiles_page(q, page);
      EXPECT_TRUE(got.is_ok()) << got.status().to_string();
      if (!got.is_ok()) break;
      EXPECT_LE(static_cast<std::int64_t>(got->items.size()), limit);
      for (auto& p : got->items) all.push_back(std::move(p));
      if (got->next_cursor.empty()) break;
      if (between) between(n);
      page.cursor = got->next_cursor;
    }
    return all;
  }

  Factory factory_;
  std::unique_ptr<Store> store_;
};

using PaginationTypes = ::testing::Types<SqliteFactory, PostgresFactory>;
TYPED_TEST_SUITE(StorePagination, PaginationTypes, FactoryNames);

core::Profile profile(const std::string& domain, ProfileKind kind, const std::string& name,
                      const std::string& updated = "2026-11-29T10:00:00.000Z") {
  core::Profile p;
  p.key = {domain, kind, name};
  p.domain_id = "d-" + domain;
  p.status = ProfileStatus::kActive;
  p.replication = true;
  p.last_event_time = updated;
  p.updated_at = updated;
  return p;
}

std::vector<std::string> keys_of(const std::vector<core::Profile>& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.key.to_string());
  return out;
}

// The order each sort promises, computed here independently: bytes, then the tie-breakers.
std::vector<core::Profile> sorted(std::vector<core::Profile> ps, ProfileSort sort) {
  auto name_key = [](const core::Profile& p) {
    return std::make_tuple(p.key.name, p.key.domain_name, core::profile_kind_name(p.key.kind));
  };
  auto updated_key = [](const core::Profile& p) {
    return std::make_tuple(p.updated_at, p.key.domain_name, core::profile_kind_name(p.key.kind),
                           p.key.name);
  };
  std::sort(ps.begin(), ps.end(), [&](const core::Profile& a, const core::Profile& b) {
    switch (sort) {
      case ProfileSort::kName:
        return name_key(a) < name_key(b);
      case ProfileSort::kNameDesc:
        return name_key(b) < name_key(a);
      case ProfileSort::kUpdated:
        return updated_key(a) < updated_key(b);
      case ProfileSort::kUpdatedDesc:
        return updated_key(b) < updated_key(a);
    }
    return false;
  });
  return ps;
}

// Names chosen so bytes and a linguistic collation disagree ("Zed" < "alice" < "alice-2"
// < "alice_" < "alicé" as bytes) and so names tie across domains and kinds.
std::vector<core::Profile> seed_profiles() {
  std::vector<core::Profile> ps;
  const std::vector<std::string> names = {"alice", "alice-2", "alice_", "alicé", "Zed",
                                          "bob",   "b%b",     "carol",  "a",     "al"};
  int i = 0;
  for (const char* domain : {"demo", "prod"}) {
    for (ProfileKind kind : {ProfileKind::kUser, ProfileKind::kSpace}) {
      for (const std::string& name : names) {
        // Four distinct times, so `updated` sorts have many ties broken by the key.
        core::Profile p =
            profile(domain, kind, name, fmt::format("2026-11-29T10:00:0{}.000Z", i % 4));
        p.status = i % 5 == 0 ? ProfileStatus::kPending : ProfileStatus::kActive;
        p.replication = i % 3 != 0;
        ps.push_back(p);
        ++i;
      }
    }
  }
  return ps;
}

TYPED_TEST(StorePagination, EverySortWalksEveryProfileOnceInByteOrder) {
  const auto ps = seed_profiles();
  for (const auto& p : ps) this->put(p);
  for (ProfileSort sort : {ProfileSort::kName, ProfileSort::kNameDesc, ProfileSort::kUpdated,
                           ProfileSort::kUpdatedDesc}) {
    for (std::int64_t limit : {1, 3, 7, 1000}) {
      ProfileQuery q;
      q.sort = sort;
      EXPECT_EQ(keys_of(this->walk(q, limit)), keys_of(sorted(ps, sort)))
          << "sort " << profile_sort_name(sort) << ", limit " << limit;
    }
  }
}

TYPED_TEST(StorePagination, EveryFilterAloneAndCombinedSelectsWhatItSays) {
  const auto ps = seed_profiles();
  for (const auto& p : ps) this->put(p);
  struct Case {
    const char* what;
    ProfileQuery query;
    std::function<bool(const core::Profile&)> keep;
  };
  std::vector<Case> cases = {
      {"domain", {.domain_name = "prod"}, [](auto& p) { return p.key.domain_name == "prod"; }},
      {"kind",
       {.kind = ProfileKind::kSpace},
       [](auto& p) { return p.key.kind == ProfileKind::kSpace; }},
      {"status",
       {.status = ProfileStatus::kPending},
       [](auto& p) { return p.status == ProfileStatus::kPending; }},
      {"replication off", {.replication = false}, [](auto& p) { return !p.replication; }},
      {"prefix alice",
       {.name_prefix = "alice"},
       [](auto& p) { return p.key.name.rfind("alice", 0) == 0; }},
      {"prefix with a LIKE wildcard",
       {.name_prefix = "b%"},
       [](auto& p) { return p.key.name.rfind("b%", 0) == 0; }},
      {"prefix with _", {.name_prefix = "alice_"}, [](auto& p) { return p.key.name == "alice_"; }},
      {"prefix matching nothing", {.name_prefix = "zz"}, [](auto&) { return false; }},
      {"domain + kind + prefix, by -updated",
       {.domain_name = "demo",
        .kind = ProfileKind::kUser,
        .name_prefix = "al",
        .sort = ProfileSort::kUpdatedDesc},
       [](auto& p) {
         return p.key.domain_name == "demo" && p.key.kind == ProfileKind::kUser &&
                p.key.name.rfind("al", 0) == 0;
       }},
      {"status + replication, by -name",
       {.status = ProfileStatus::kActive, .replication = true, .sort = ProfileSort::kNameDesc},
       [](auto& p) { return p.status == ProfileStatus::kActive && p.replication; }},
  };
  for (const Case& c : cases) {
    std::vector<core::Profile> expected;
    std::copy_if(ps.begin(), ps.end(), std::back_inserter(expected), c.keep);
    EXPECT_EQ(keys_of(this->walk(c.query, 2)), keys_of(sorted(expected, c.query.sort))) << c.what;
  }
}

TYPED_TEST(StorePagination, RowsChangingBetweenPagesNeitherRepeatNorHideOthers) {
  std::vector<core::Profile> ps;
  for (int i = 0; i < 30; ++i)
    ps.push_back(profile("demo", ProfileKind::kUser, fmt::format("u{:02}", i)));
  for (const auto& p : ps) this->put(p);
  std::set<std::string> deleted;
  const auto seen = this->walk({}, 4, [&](int n) {
    // A row already handed out is deleted, one not reached yet is deleted, one sorting
    // before the position and one after it are inserted.
    const std::string behind = fmt::format("u{:02}", n * 4);
    const std::string ahead = fmt::format("u{:02}", 29 - n);
    this->remove({"demo", ProfileKind::kUser, behind});
    this->remove({"demo", ProfileKind::kUser, ahead});
    deleted.insert(ahead);
    this->put(profile("demo", ProfileKind::kUser, fmt::format("a-new-{}", n)));
    this->put(profile("demo", ProfileKind::kUser, fmt::format("z-new-{}", n)));
  });
  std::map<std::string, int> count;
  for (const auto& p : seen) ++count[p.key.name];
  for (const auto& [name, n] : count) EXPECT_EQ(n, 1) << name << " handed out " << n << " times";
  for (const auto& p : ps) {
    if (deleted.count(p.key.name) == 0) {
      EXPECT_EQ(count.count(p.key.name), 1u) << p.key.name << " was there all along but not listed";
    }
  }
  for (const auto& [name, n] : count) {
    EXPECT_NE(name.rfind("a-new-", 0), 0u) << "a row inserted behind the position showed up";
  }
  EXPECT_TRUE(count.count("z-new-0")) << "a row inserted ahead of the position is listed";
}

TYPED_TEST(StorePagination, MalformedForgedOrForeignCursorsAndBadLimitsAreRefused) {
  for (int i = 0; i < 5; ++i) this->put(profile("demo", ProfileKind::kUser, fmt::format("u{}", i)));
  auto first = this->profiles_page({.domain_name = "demo"}, {2, ""});
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_FALSE(first->next_cursor.empty());
  const std::string good = first->next_cursor;
  auto expect_refused = [&](const ProfileQuery& q, const PageRequest& page, const char* name,
                            const char* why) {
    auto got = this->profiles_page(q, page);
    ASSERT_FALSE(got.is_ok()) << why;
    EXPECT_EQ(got.status().code(), core::StatusCode::kInvalidArgument) << why;
    EXPECT_NE(got.status().message().find(name), std::string::npos)
        << why << ": " << got.status().message();
  };
  expect_refused({.domain_name = "prod"}, {2, good}, "'cursor'", "another filter's cursor");
  expect_refused({.domain_name = "demo", .sort = ProfileSort::kNameDesc}, {2, good}, "'cursor'",
                 "another sort's cursor");
  expect_refused({.domain_name = "demo"}, {2, "zz"}, "'cursor'", "not hex");
  expect_refused({.domain_name = "demo"}, {2, good.substr(1)}, "'cursor'", "odd length");
  expect_refused({.domain_name = "demo"}, {2, good.substr(0, good.size() - 2)}, "'cursor'",
                 "truncated");
  expect_refused({.domain_name = "demo"}, {2, good + "00"}, "'cursor'", "trailing bytes");
  expect_refused({.domain_name = "demo"}, {2, std::string(kMaxCursorLength + 2, 'a')}, "'cursor'",
                 "too long");
  // A cursor of the right scope whose key has the wrong types or count.
  const std::string scope = "profiles;" + scope_part("sort", "name") + scope_part("domain", "demo");
  expect_refused({.domain_name = "demo"}, {2, encode_cursor(scope, {std::int64_t{5}, "user"})},
                 "'cursor'", "an integer where text belongs");
  expect_refused({.domain_name = "demo"}, {2, encode_cursor(scope, {"u1"})}, "'cursor'",
                 "too few values");
  expect_refused({.domain_name = "demo"}, {0, ""}, "'limit'", "limit 0");
  expect_refused({.domain_name = "demo"}, {kMaxPageLimit + 1, ""}, "'limit'", "limit too big");
  expect_refused({.name_prefix = std::string(kMaxNamePrefixLength + 1, 'a')}, {2, ""}, "'prefix'",
                 "prefix too long");
  // A forged cursor of the right shape only moves where the page starts.
  auto forged =
      this->profiles_page({.domain_name = "demo"}, {10, encode_cursor(scope, {"u2", "user"})});
  ASSERT_TRUE(forged.is_ok()) << forged.status().to_string();
  EXPECT_EQ(keys_of(forged->items), (std::vector<std::string>{"demo/user/u3", "demo/user/u4"}));
}

TYPED_TEST(StorePagination, HistoryPagesNewestOrOldestFirstForOneProfileOnly) {
  const core::ProfileKey alice{"demo", ProfileKind::kUser, "alice"};
  const core::ProfileKey bob{"demo", ProfileKind::kUser, "bob"};
  std::vector<std::int64_t> alice_seqs;
  this->write([&](StoreTransaction& t) -> Status {
    for (int i = 0; i < 11; ++i) {
      HistoryEntry e;
      e.event_id = fmt::format("e{}", i);
      e.event_type = "UpdateUserProfile";
      e.event_time = "2026-11-29T10:00:00.000Z";
      e.key = i % 3 == 0 ? bob : alice;
      e.outcome = std::string(kOutcomeApplied);
      e.detail = core::Json::object();
      LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t seq, t.append_history(e));
      if (e.key == alice) alice_seqs.push_back(seq);
    }
    return Status::ok();
  });
  for (HistorySort sort : {HistorySort::kNewestFirst, HistorySort::kOldestFirst}) {
    std::vector<std::int64_t> got;
    PageRequest page{3, ""};
    for (;;) {
      Page<HistoryEntry> p;
      Status st = this->store_->read([&](StoreTransaction& t) -> Status {
        LIFEBOAT_ASSIGN_OR_RETURN(p, t.list_history_page(alice, sort, page));
        return Status::ok();
      });
      ASSERT_TRUE(st.is_ok()) << st.to_string();
      for (const auto& e : p.items) {
        EXPECT_EQ(e.key, alice);
        got.push_back(e.seq);
      }
      if (p.next_cursor.empty()) break;
      page.cursor = p.next_cursor;
    }
    std::vector<std::int64_t> expected = alice_seqs;
    if (sort == HistorySort::kNewestFirst) std::reverse(expected.begin(), expected.end());
    EXPECT_EQ(got, expected) << history_sort_name(sort);
  }
  // bob's cursor is refused for alice.
  Status st = this->store_->read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto p, t.list_history_page(bob, HistorySort::kNewestFirst, {1, ""}));
    EXPECT_FALSE(p.next_cursor.empty());
    auto other = t.list_history_page(alice, HistorySort::kNewestFirst, {1, p.next_cursor});
    EXPECT_EQ(other.status().code(), core::StatusCode::kInvalidArgument);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StorePagination, TransfersAndHeldEventsPageWithTheirFilters) {
  this->write([&](StoreTransaction& t) -> Status {
    for (int i = 0; i < 9; ++i) {
      TransferRecord r;
      r.key = {i % 2 == 0 ? "demo" : "prod", ProfileKind::kUser, fmt::format("u{}", i)};
      r.result = core::ReplicationResult{i % 3 == 0 ? "ERROR" : "SUCCESS", 1, 1, 1, 1,
                                         fmt::format("exec-{}", i)};
      r.recorded_at = "2026-11-29T10:00:00.000Z";
      LIFEBOAT_RETURN_IF_ERROR(t.append_transfer(r).status());
      HeldEvent h;
      h.event_id = fmt::format("ev-{}", i);
      h.event = core::Json{{"id", h.event_id}};
      h.rule = "sagemaker";
      h.held_at = "2026-11-29T10:00:00.000Z";
      h.next_attempt_at = fmt::format("2026-11-29T10:00:0{}.000Z", i % 2);  // ties
      h.deadline = "2026-11-29T11:00:00.000Z";
      LIFEBOAT_RETURN_IF_ERROR(t.hold_event(h).status());
    }
    return Status::ok();
  });
  auto transfers = [&](const TransferQuery& q) {
    std::vector<std::string> names;
    PageRequest page{2, ""};
    for (;;) {
      Page<TransferRecord> p;
      Status st = this->store_->read([&](StoreTransaction& t) -> Status {
        LIFEBOAT_ASSIGN_OR_RETURN(p, t.list_transfers_page(q, page));
        return Status::ok();
      });
      EXPECT_TRUE(st.is_ok()) << st.to_string();
      for (const auto& r : p.items) names.push_back(r.key.name);
      if (!st.is_ok() || p.next_cursor.empty()) break;
      page.cursor = p.next_cursor;
    }
    return names;
  };
  EXPECT_EQ(transfers({}),
            (std::vector<std::string>{"u8", "u7", "u6", "u5", "u4", "u3", "u2", "u1", "u0"}));
  EXPECT_EQ(transfers({.domain_name = "prod"}), (std::vector<std::string>{"u7", "u5", "u3", "u1"}));
  EXPECT_EQ(transfers({.status = "ERROR"}), (std::vector<std::string>{"u6", "u3", "u0"}));
  EXPECT_EQ(transfers({.status = "ERROR", .domain_name = "demo"}),
            (std::vector<std::string>{"u6", "u0"}));

  std::vector<std::string> held;
  PageRequest page{4, ""};
  for (;;) {
    Page<HeldEvent> p;
    Status st = this->store_->read([&](StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(p, t.list_held_events_page(page));
      return Status::ok();
    });
    ASSERT_TRUE(st.is_ok()) << st.to_string();
    for (const auto& h : p.items) held.push_back(h.event_id);
    if (p.next_cursor.empty()) break;
    page.cursor = p.next_cursor;
  }
  EXPECT_EQ(held, (std::vector<std::string>{"ev-0", "ev-2", "ev-4", "ev-6", "ev-8", "ev-1", "ev-3",
                                            "ev-5", "ev-7"}));
}

TYPED_TEST(StorePagination, ExecutionsPageByStatusProfileAndStartAndDeadLettersNewestFirst) {
  SqlExecutionStore executions(*this->store_);
  ExecutionWrite w;
  for (int i = 0; i < 8; ++i) {
    ExecutionRecord r;
    r.id = fmt::format("x{}", i);
    r.name = r.id;
    r.definition = "{}";
    r.cursor = "{}";
    r.status = i % 2 == 0 ? ExecutionStatus::kSucceeded : ExecutionStatus::kFailed;
    r.input = core::Json{
        {"domainName", "demo"},
        {"kind", i < 4 ? "user" : "space"},
        {"profileName",
         "alice"}}.dump();
    // Two executions start at each instant: the id breaks the tie.
    r.start_time = core::parse_rfc3339(fmt::format("2026-11-29T10:00:0{}.000Z", i / 2)).value();
    w.creates.push_back(r);
  }
  ExecutionRecord child = w.creates[0];
  child.id = "x0-child";
  child.parent_id = "x0";
  w.creates.push_back(child);
  ASSERT_TRUE(executions.write(w).is_ok());
  auto walk = [&](const ExecutionQuery& q) {
    std::vector<std::string> ids;
    PageRequest page{3, ""};
    for (;;) {
      auto p = executions.list_executions_page(q, page);
      EXPECT_TRUE(p.is_ok()) << p.status().to_string();
      if (!p.is_ok()) break;
      for (const auto& r : p->items) ids.push_back(r.id);
      if (p->next_cursor.empty()) break;
      page.cursor = p->next_cursor;
    }
    return ids;
  };
  EXPECT_EQ(walk({}), (std::vector<std::string>{"x7", "x6", "x5", "x4", "x3", "x2", "x1", "x0"}))
      << "top-level only, newest first, ties by id";
  EXPECT_EQ(walk({.sort = ExecutionSort::kOldestFirst}),
            (std::vector<std::string>{"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"}));
  EXPECT_EQ(walk({.status = ExecutionStatus::kFailed}),
            (std::vector<std::string>{"x7", "x5", "x3", "x1"}));
  EXPECT_EQ(walk({.profile = core::ProfileKey{"demo", ProfileKind::kSpace, "alice"}}),
            (std::vector<std::string>{"x7", "x6", "x5", "x4"}));
  EXPECT_EQ(walk({.status = ExecutionStatus::kSucceeded,
                  .profile = core::ProfileKey{"demo", ProfileKind::kUser, "alice"}}),
            (std::vector<std::string>{"x2", "x0"}));
  EXPECT_TRUE(walk({.profile = core::ProfileKey{"demo", ProfileKind::kUser, "bob"}}).empty());

  for (int i = 0; i < 5; ++i) {
    DeadLetter d;
    d.id = fmt::format("dl-{}", i);
    d.execution_id = fmt::format("x{}", i);
    d.created_at = fmt::format("2026-11-29T10:00:0{}.000Z", i / 2);
    d.payload = "{}";
    ASSERT_TRUE(executions.add_dead_letter(d).is_ok());
  }
  std::vector<std::string> letters;
  PageRequest page{2, ""};
  for (;;) {
    auto p = executions.list_dead_letters_page(page);
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    for (const auto& d : p->items) letters.push_back(d.id);
    if (p->next_cursor.empty()) break;
    page.cursor = p->next_cursor;
  }
  EXPECT_EQ(letters, (std::vector<std::string>{"dl-4", "dl-3", "dl-2", "dl-1", "dl-0"}));
}

}  // namespace
}  // namespace lifeboat::store

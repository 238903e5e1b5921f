// The real `lifeboat` on a PostgreSQL store (`--store postgresql://...`), on a database of
// its own on the server ctest starts: several processes applying events at once apply
// each exactly once, and an unreachable server is exit 4 with the password masked.
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "store/open_store.h"
#include "support/platform_events.h"
#include "support/process.h"
#include "testing/postgres_database.h"

namespace lifeboat::testing {
namespace {

// CreateUserProfile events for users prefix0..prefix(n-1) of domain demo.
core::Json batch(const std::string& prefix, int n) {
  core::Json events = core::Json::array();
  for (int i = 0; i < n; ++i) {
    const std::string name = prefix + std::to_string(i);
    events.push_back(
        cloud_event("ev-" + name, "CreateUserProfile",
                    profile_data("demo", "userProfileName", name, "home-" + name, 200000 + i), 0));
  }
  return events;
}

TEST(PostgresStoreBinary, ProcessesApplyingEventsAtOnceApplyEachExactlyOnce) {
  PostgresDatabase db;
  const core::Json shared = batch("both", 60);
  std::vector<core::Json> inputs;
  for (const char* prefix : {"a", "b", "c"}) {
    core::Json events = batch(prefix, 60);
    for (const auto& e : shared) events.push_back(e);
    inputs.push_back(std::move(events));
  }
  std::vector<ProcessResult> results(inputs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = run_lifeboat({"--store", db.url(), "--output", "json", "events", "put", "-"},
                                inputs[i].dump());
    });
  }
  for (auto& t : threads) t.join();
  std::map<std::string, int> applied;
  for (const auto& r : results) {
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& e : core::Json::parse(r.out)) {
      if (e["outcome"] == "applied") ++applied[e["event_id"].get<std::string>()];
    }
  }
  EXPECT_EQ(applied.size(), 4u * 60);
  for (const auto& [id, n] : applied) {
    EXPECT_EQ(n, 1) << id << " applied more than once";
  }
  auto store = store::open_store(db.url());
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  core::Status st = (*store)->read([&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto profiles, t.list_profiles({}));
    EXPECT_EQ(profiles.size(), 4u * 60);
    LIFEBOAT_ASSIGN_OR_RETURN(auto changes, t.read_changes(0, 10000));
    std::multiset<std::string> ids;
    for (std::size_t i = 0; i < changes.size(); ++i) {
      ids.insert(changes[i].event_id);
      EXPECT_EQ(changes[i].seq, static_cast<std::int64_t>(i + 1)) << "seq has no gaps";
    }
    EXPECT_EQ(ids.size(), 4u * 60);
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size())
        << "one change per event";
    return core::Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TEST(PostgresStoreBinary, AnUnreachableServerIsExit4WithThePasswordMasked) {
  auto r = run_lifeboat(
      {"--store", "postgresql://lifeboat:s3cret@127.0.0.1:1/lifeboat", "profiles", "list"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(r.err.find("s3cret"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("postgresql://lifeboat:***@127.0.0.1:1/lifeboat"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace lifeboat::testing

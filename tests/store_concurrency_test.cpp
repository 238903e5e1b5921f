// Several processes writing one store: nothing is lost, and a process killed in the middle
// of a batch leaves every event either fully applied (current row, history, change,
// processed id) or not at all.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/sql_store_transaction.h"
#include "store/sqlite_store.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

using Json = nlohmann::json;

// A batch of CreateUserProfile events for users prefix0..prefix(n-1).
std::string batch(const std::string& prefix, int n) {
  Json arr = Json::array();
  for (int i = 0; i < n; ++i) {
    std::string name = prefix + std::to_string(i);
    arr.push_back({{"specversion", "1.0"},
                   {"id", "ev-" + name},
                   {"time", "2026-11-29T10:00:00Z"},
                   {"type", "CreateUserProfile"},
                   {"data",
                    {{"domainId", "d-demo"},
                     {"domainName", "demo"},
                     {"userProfileName", name},
                     {"homeEfsFileSystemId", "home"},
                     {"homeEfsFileSystemUid", "home-" + name}}}});
  }
  return arr.dump();
}

// Ids recorded in each registry table, read through the store as the binary writes it.
struct Recorded {
  std::set<std::string> processed;
  std::multiset<std::string> history;
  std::multiset<std::string> changes;
  std::int64_t profiles = 0;
};

Recorded read_recorded(const std::string& db) {
  Recorded out;
  auto store = store::SqliteStore::open(db);
  EXPECT_TRUE(store.is_ok()) << store.status().to_string();
  if (!store.is_ok()) return out;
  core::Status st = (*store)->read([&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto p, store::session_of(t).query("SELECT event_id FROM processed_events", {}));
    for (const auto& r : p) out.processed.insert(r.text(0));
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto h, store::session_of(t).query("SELECT event_id FROM profile_history", {}));
    for (const auto& r : h) out.history.insert(r.text(0));
    LIFEBOAT_ASSIGN_OR_RETURN(auto c,
                              store::session_of(t).query("SELECT event_id FROM changes", {}));
    for (const auto& r : c) out.changes.insert(r.text(0));
    LIFEBOAT_ASSIGN_OR_RETURN(auto n,
                              store::session_of(t).query("SELECT COUNT(*) FROM profiles", {}));
    out.profiles = n[0].integer(0);
    return core::Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return out;
}

// Every processed event has exactly one history row and one change, and nothing else does.
void expect_all_or_nothing(const Recorded& r) {
  std::multiset<std::string> processed(r.processed.begin(), r.processed.end());
  EXPECT_EQ(r.history, processed) << "history rows and processed ids disagree";
  EXPECT_EQ(r.changes, processed) << "changes and processed ids disagree";
  EXPECT_EQ(r.profiles, static_cast<std::int64_t>(r.processed.size()));
}

TEST(StoreConcurrency, TwoProcessesWritingAtOnceLoseNothing) {
  TempDir dir;
  const std::string data = dir / "data";
  // Both batches share the "both" events: each must be applied exactly once.
  std::string shared = batch("both", 100);
  std::string a = batch("a", 300);
  std::string b = batch("b", 300);
  auto merge = [](const std::string& x, const std::string& y) {
    Json j = Json::parse(x);
    for (auto& e : Json::parse(y)) j.push_back(e);
    return j.dump();
  };
  ProcessResult ra;
  ProcessResult rb;
  std::thread ta([&] {
    ra = run_lifeboat({"--data-dir", data, "--output", "json", "events", "put", "-"},
                      merge(a, shared));
  });
  std::thread tb([&] {
    rb = run_lifeboat({"--data-dir", data, "--output", "json", "events", "put", "-"},
                      merge(shared, b));
  });
  ta.join();
  tb.join();
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  std::map<std::string, int> applied;
  for (const auto* r : {&ra, &rb}) {
    for (const auto& e : Json::parse(r->out)) {
      if (e["outcome"] == "applied") ++applied[e["event_id"]];
    }
  }
  EXPECT_EQ(applied.size(), 700u);
  for (const auto& [id, n] : applied) EXPECT_EQ(n, 1) << id << " applied more than once";
  Recorded rec = read_recorded(data + "/lifeboat.db");
  EXPECT_EQ(rec.processed.size(), 700u);
  expect_all_or_nothing(rec);
}

TEST(StoreConcurrency, KilledInTheMiddleOfABatchLeavesEachEventWholeOrAbsent) {
  TempDir dir;
  const std::string data = dir / "data";
  const std::string db = data + "/lifeboat.db";
  constexpr int kEvents = 3000;
  const std::string events = dir / "events.json";
  {
    std::ofstream out(events);
    out << batch("u", kEvents);
  }
  // Create the store first so the poll below can open it while the batch runs.
  ASSERT_EQ(run_lifeboat({"--data-dir", data, "domains", "list"}).exit_code, 0);

  ChildProcess put(
      {lifeboat_bin(), "--data-dir", data, "--output", "json", "events", "put", events});

  // Wait until the batch is under way, then kill it without warning. The deadline only
  // keeps a broken build from hanging the suite.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  std::size_t seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    seen = read_recorded(db).processed.size();
    if (seen >= 100) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(put.kill_hard(), 128 + SIGKILL) << "it ended before it was killed";
  ASSERT_GE(seen, 100u) << "the batch never got going";

  Recorded after_kill = read_recorded(db);
  EXPECT_LT(after_kill.processed.size(), static_cast<std::size_t>(kEvents))
      << "the process finished before it was killed; the test proved nothing";
  expect_all_or_nothing(after_kill);

  // Sending the batch again completes it: what was applied is a duplicate, the rest applies.
  auto rerun = run_lifeboat({"--data-dir", data, "--output", "json", "events", "put", events});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  std::size_t duplicates = 0;
  for (const auto& e : Json::parse(rerun.out)) duplicates += e["outcome"] == "duplicate" ? 1 : 0;
  EXPECT_EQ(duplicates, after_kill.processed.size());
  Recorded done = read_recorded(db);
  EXPECT_EQ(done.processed.size(), static_cast<std::size_t>(kEvents));
  expect_all_or_nothing(done);
}

}  // namespace
}  // namespace lifeboat::testing

// The paged lists through the real daemon and the real CLI (README "Lists and
// pagination"): a store seeded through the store module, `lifeboat serve` on it, then
// every list walked page by page, every parameter checked, and refused input answered
// with 400 naming the parameter and changing nothing.
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/json.h"
#include "store/open_store.h"
#include "store/sql_execution_store.h"
#include "support/daemon_fixture.h"

namespace lifeboat::testing {
namespace {

using core::Json;

class ListPages : public DaemonFixture {
 protected:
  std::string data() const { return tmp_ / "data"; }

  // Profiles u0000…u{n-1} in domains demo and prod (even/odd), every 5th a space, every
  // 7th pending, every 3rd with replication off; `history` rows for demo/user/u0000.
  void seed(int n, int history = 0) {
    std::filesystem::create_directories(data());
    auto opened = store::open_store(store::sqlite_url_for_data_dir(data()));
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    core::Status st = (*opened)->transact([&](store::StoreTransaction& t) -> core::Status {
      for (int i = 0; i < n; ++i) {
        core::Profile p;
        p.key = {i % 2 == 0 ? "demo" : "prod",
                 i % 5 == 4 ? core::ProfileKind::kSpace : core::ProfileKind::kUser,
                 fmt::format("u{:04}", i)};
        p.domain_id = "d-" + p.key.domain_name;
        p.status = i % 7 == 6 ? core::ProfileStatus::kPending : core::ProfileStatus::kActive;
        p.replication = i % 3 != 2;
        p.last_event_time = fmt::format("2026-11-29T10:{:02}:00.000Z", i % 60);
        p.updated_at = p.last_event_time;
        LIFEBOAT_RETURN_IF_ERROR(t.put_profile(p));
      }
      for (int i = 0; i < history; ++i) {
        store::HistoryEntry e;
        e.key = {"demo", core::ProfileKind::kUser, "u0000"};
        e.event_id = fmt::format("h{}", i);
        e.event_type = "UpdateUserProfile";
        e.event_time = "2026-11-29T10:00:00.000Z";
        e.outcome = "applied";
        e.detail = Json::object();
        LIFEBOAT_RETURN_IF_ERROR(t.append_history(e).status());
      }
      return core::Status::ok();
    });
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }

  Json get_json(const std::string& path, int expected = 200) {
    auto r = daemon_->request("GET", path);
    EXPECT_EQ(r.status, expected) << path << ": " << r.body;
    Json j = Json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    return j;
  }

  // Every item of a list from `cursor` (default: the start), following nextCursor.
  std::vector<Json> walk(const std::string& path, const std::string& key, std::string cursor = "") {
    std::vector<Json> all;
    for (int pages = 0; pages < 1000; ++pages) {
      const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
      Json page = get_json(path + (cursor.empty() ? "" : sep + "cursor=" + cursor));
      for (auto& item : page[key]) all.push_back(item);
      if (page["nextCursor"].is_null()) return all;
      cursor = page["nextCursor"].get<std::string>();
    }
    ADD_FAILURE() << "no last page";
    return all;
  }

  ProcessResult lb(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", data()});
    return run_lifeboat(args);
  }
};

std::vector<std::string> names_of(const std::vector<Json>& profiles) {
  std::vector<std::string> out;
  for (const auto& p : profiles) {
    out.push_back(p.value("user_profile_name", p.value("space_name", "")));
  }
  return out;
}

TEST_F(ListPages, ProfilesWalkEveryPageWithFiltersAndSorts) {
  seed(45);
  start();
  const auto all = walk("/v1/profiles?limit=7", "profiles");
  ASSERT_EQ(all.size(), 45u);
  const auto names = names_of(all);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end())) << "sort=name is the default";
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 45u) << "each once";

  auto desc = names_of(walk("/v1/profiles?limit=4&sort=-name", "profiles"));
  EXPECT_TRUE(std::is_sorted(desc.rbegin(), desc.rend()));
  EXPECT_EQ(desc.size(), 45u);

  auto prod =
      walk("/v1/profiles?limit=5&domain=prod&kind=user&status=active&replication=on", "profiles");
  std::size_t expected = 0;
  for (int i = 0; i < 45; ++i) {
    expected += i % 2 == 1 && i % 5 != 4 && i % 7 != 6 && i % 3 != 2;
  }
  EXPECT_EQ(prod.size(), expected);
  for (const auto& p : prod) {
    EXPECT_EQ(p["domain_name"], "prod");
    EXPECT_EQ(p["status"], "active");
    EXPECT_EQ(p["replication"], true) << p.dump();
    EXPECT_TRUE(p.contains("user_profile_name"));
  }
  EXPECT_EQ(names_of(walk("/v1/profiles?prefix=u001", "profiles")).size(), 10u);
  EXPECT_TRUE(walk("/v1/profiles?prefix=u%25", "profiles").empty()) << "'%' is no wildcard";
  Json page = get_json("/v1/profiles?sort=-updated&limit=1000");
  EXPECT_TRUE(page["nextCursor"].is_null());
  EXPECT_EQ(page["profiles"].size(), 45u);
}

TEST_F(ListPages, RefusedParametersAre400NamingTheParameterAndTheChoices) {
  seed(10);
  start();
  Json first = get_json("/v1/profiles?limit=2&domain=demo");
  const std::string cursor = first["nextCursor"].get<std::string>();
  struct Case {
    std::string path;
    std::string must_name;
  };
  const std::vector<Case> cases = {
      {"/v1/profiles?limit=0", "'limit'"},
      {"/v1/profiles?limit=1001", "'limit'"},
      {"/v1/profiles?limit=ten", "'limit'"},
      {"/v1/profiles?limit=-5", "'limit'"},
      {"/v1/profiles?limit=99999999999999999999", "'limit'"},
      {"/v1/profiles?cursor=zz", "'cursor'"},
      {"/v1/profiles?cursor=" + cursor, "'cursor'"},  // another filter's cursor
      {"/v1/profiles?domain=prod&limit=2&cursor=" + cursor, "'cursor'"},
      {"/v1/profiles?domain=demo&sort=-name&cursor=" + cursor, "'cursor'"},
      {"/v1/profiles?cursor=" + std::string(3000, 'a'), "'cursor'"},
      {"/v1/profiles?status=gone", "'deleted'"},
      {"/v1/profiles?kind=robot", "'space'"},
      {"/v1/profiles?replication=maybe", "'replication'"},
      {"/v1/profiles?sort=size", "'-updated'"},
      {"/v1/profiles?prefix=%01x", "'prefix'"},
      {"/v1/profiles?prefix=%FF", "'prefix'"},
      {"/v1/profiles?domian=demo", "'domian'"},
      {"/v1/profiles/demo/user/u0000/history?limit=0", "'limit'"},
      {"/v1/profiles/demo/user/u0000/history?sort=time", "'sort'"},
      {"/v1/executions?status=DONE", "SUCCEEDED"},
      {"/v1/executions?profile=demo/robot/u1", "'profile'"},
      {"/v1/executions?profile=demo", "'profile'"},
      {"/v1/executions?sort=name", "'-started'"},
      {"/v1/transfers?status=OK", "'PARTIAL'"},
      {"/v1/held-events?limit=x", "'limit'"},
      {"/v1/dead-letters?cursor=00", "'cursor'"},
      {"/v1/dead-letters?status=PENDING", "'status'"},
  };
  for (const Case& c : cases) {
    auto r = daemon_->request("GET", c.path);
    EXPECT_EQ(r.status, 400) << c.path << ": " << r.body;
    EXPECT_NE(r.body.find(c.must_name), std::string::npos) << c.path << ": " << r.body;
  }
  // Refused reads changed nothing, and the good cursor still works with its own filter.
  Json next = get_json("/v1/profiles?limit=2&domain=demo&cursor=" + cursor);
  EXPECT_EQ(next["profiles"].size(), 2u);
  EXPECT_EQ(names_of(next["profiles"].get<std::vector<Json>>()),
            (std::vector<std::string>{"u0004", "u0006"}));
}

TEST_F(ListPages, ProfileDetailEmbedsTheNewest100AndHistoryPagesTheRest) {
  seed(3, 250);
  start();
  Json detail = get_json("/v1/profiles/demo/user/u0000");
  ASSERT_EQ(detail["history"].size(), 100u);
  EXPECT_EQ(detail["history"][0]["event_id"], "h249") << "newest first";
  ASSERT_TRUE(detail["historyNextCursor"].is_string());
  std::vector<std::string> ids;
  for (const auto& e : detail["history"]) ids.push_back(e["event_id"]);
  for (const auto& e : walk("/v1/profiles/demo/user/u0000/history?limit=60", "history",
                            detail["historyNextCursor"].get<std::string>())) {
    ids.push_back(e["event_id"]);
  }
  ASSERT_EQ(ids.size(), 250u);
  for (int i = 0; i < 250; ++i) EXPECT_EQ(ids[i], fmt::format("h{}", 249 - i));
  Json oldest = get_json("/v1/profiles/demo/user/u0000/history?sort=seq&limit=1");
  EXPECT_EQ(oldest["history"][0]["event_id"], "h0");
  Json quiet = get_json("/v1/profiles/demo/user/u0002");
  EXPECT_TRUE(quiet["history"].empty());
  EXPECT_TRUE(quiet["historyNextCursor"].is_null());
  get_json("/v1/profiles/demo/user/nobody/history", 404);
}

TEST_F(ListPages, EveryOtherListAnswersOnePageWithNextCursor) {
  seed(1);
  start();
  for (const auto& [path, key] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/executions", "executions"},
           {"/v1/executions?status=FAILED&profile=demo/user/u0000&sort=started", "executions"},
           {"/v1/transfers?status=ERROR&domain=demo", "transfers"},
           {"/v1/held-events?limit=5", "heldEvents"},
           {"/v1/dead-letters?limit=5", "deadLetters"}}) {
    Json page = get_json(path);
    EXPECT_TRUE(page[key].is_array()) << path << ": " << page.dump();
    EXPECT_TRUE(page.contains("nextCursor") && page["nextCursor"].is_null()) << page.dump();
  }
}

TEST_F(ListPages, CliWalksEveryPageOrPrintsOneWithItsNextCursor) {
  seed(2300, 30);
  auto all = lb({"--output", "json", "profiles", "list"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  Json arr = Json::parse(all.out, nullptr, false);
  ASSERT_TRUE(arr.is_array()) << all.out.substr(0, 300);
  EXPECT_EQ(arr.size(), 2300u) << "more than two pages of 1000, walked by the CLI";
  std::set<std::string> unique;
  for (const auto& p : arr)
    unique.insert(p["domain_name"].get<std::string>() + "/" + names_of({p})[0]);
  EXPECT_EQ(unique.size(), 2300u);

  auto one = lb({"--output", "json", "profiles", "list", "--domain-name", "prod", "--limit", "3"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(names_of(Json::parse(one.out).get<std::vector<Json>>()),
            (std::vector<std::string>{"u0001", "u0003", "u0005"}));
  const std::string prefix = "next cursor: ";
  ASSERT_EQ(one.err.rfind(prefix, 0), 0u) << one.err;
  std::string cursor = one.err.substr(prefix.size());
  cursor.erase(cursor.find_last_not_of("\n") + 1);
  auto two = lb({"--output", "json", "profiles", "list", "--domain-name", "prod", "--limit", "3",
                 "--cursor", cursor});
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(names_of(Json::parse(two.out).get<std::vector<Json>>()),
            (std::vector<std::string>{"u0007", "u0009", "u0011"}));
  auto foreign = lb({"profiles", "list", "--domain-name", "demo", "--cursor", cursor});
  EXPECT_EQ(foreign.exit_code, 2) << foreign.err;
  EXPECT_NE(foreign.err.find("'cursor'"), std::string::npos) << foreign.err;
  auto bad = lb({"profiles", "list", "--limit", "0"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("'limit'"), std::string::npos) << bad.err;
  auto bad_status = lb({"profiles", "list", "--status", "gone"});
  EXPECT_EQ(bad_status.exit_code, 2);
  EXPECT_NE(bad_status.err.find("'pending'"), std::string::npos) << bad_status.err;

  auto table = lb({"--output", "table", "profiles", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::size_t headers = 0, lines = 0;
  for (std::size_t pos = 0; (pos = table.out.find('\n', pos)) != std::string::npos; ++pos) ++lines;
  for (std::size_t pos = 0; (pos = table.out.find("DOMAIN", pos)) != std::string::npos; ++pos) {
    ++headers;
  }
  EXPECT_EQ(headers, 1u) << "one header over every page";
  EXPECT_EQ(lines, 1u + 2300u);

  auto history = lb({"--output", "json", "history", "--domain-name", "demo", "--profile-name",
                     "u0000", "--sort", "-seq", "--limit", "5"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  Json h = Json::parse(history.out);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[0]["event_id"], "h29");
  EXPECT_EQ(history.err.rfind(prefix, 0), 0u) << history.err;
  auto oldest =
      lb({"--output", "json", "history", "--domain-name", "demo", "--profile-name", "u0000"});
  ASSERT_EQ(oldest.exit_code, 0) << oldest.err;
  EXPECT_EQ(Json::parse(oldest.out)[0]["event_id"], "h0") << "the CLI's default: oldest first";
  EXPECT_TRUE(oldest.err.empty()) << oldest.err;
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"executions", "list", "--status", "FAILED", "--limit", "2"},
        {"transfers", "list", "--status", "ERROR"},
        {"dlq", "list", "--limit", "1"},
        {"events", "held", "--limit", "1"}}) {
    std::vector<std::string> args{"--output", "json"};
    args.insert(args.end(), cmd.begin(), cmd.end());
    auto r = lb(args);
    EXPECT_EQ(r.exit_code, 0) << cmd[0] << ": " << r.err;
    EXPECT_EQ(r.out, "[]\n") << cmd[0];
  }
  EXPECT_EQ(lb({"executions", "list", "--profile", "nope"}).exit_code, 2);
}

}  // namespace
}  // namespace lifeboat::testing

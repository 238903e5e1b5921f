// Monitoring end to end: a real `lifeboat serve`, a real recovery, GET /metrics checked by
// Prometheus's own `promtool check metrics` and read for the figures that must have moved,
// GET /v1/status, and `lifeboat status` with its exit codes (README, "Monitoring").
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/json.h"
#include "support/daemon_fixture.h"
#include "support/daemon_process.h"
#include "support/platform_events.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

using core::Json;
namespace fsys = std::filesystem;

// The value of the sample written exactly `series` (name and labels as the daemon writes
// them); -1 when there is none.
double sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

int count_lines_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

void write_owned(const std::string& path, const std::string& content, int uid) {
  fsys::create_directories(fsys::path(path).parent_path());
  std::ofstream(path) << content;
  ASSERT_EQ(::chown(path.c_str(), uid, 1001), 0);
}

void make_home(const std::string& path, int uid) {
  fsys::create_directories(path);
  ASSERT_EQ(::chown(path.c_str(), uid, 1001), 0);
}

class MonitoringTest : public DaemonFixture {
 protected:
  std::string url() const { return "http://127.0.0.1:" + std::to_string(daemon_->port()); }

  std::string metrics() {
    HttpResult r = daemon_->request("GET", "/metrics");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
    return r.body;
  }

  void expect_promtool_accepts(const std::string& text) {
    ProcessResult check = run_process({"promtool", "check", "metrics"}, text);
    EXPECT_EQ(check.exit_code, 0) << "promtool (Debian's prometheus package, "
                                     "scripts/install-deps.sh):\n"
                                  << check.out << check.err << "\n"
                                  << text;
    EXPECT_EQ(check.out + check.err, "") << "promtool warned";
  }

  Json status_json() {
    HttpResult r = daemon_->request("GET", "/v1/status");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body, nullptr, false);
  }

  ProcessResult lifeboat_status(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"--data-dir", tmp_ / "data", "status", "--url", url()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_lifeboat(args);
  }

  void post(const Json& events) {
    HttpResult r = daemon_->request("POST", "/v1/events", events.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // A user with a home of files, deleted, recreated with a new home: one recovery.
  void drive_recovery(const std::string& name, const std::string& old_uid,
                      const std::string& new_uid, bool old_home_has_files) {
    const int old_id = std::stoi(old_uid);
    const int new_id = std::stoi(new_uid);
    post(Json::array(
        {cloud_event(name + "-1", "CreateUserProfile",
                     profile_data("demo", "userProfileName", name, old_uid, old_id), 1),
         cloud_event(name + "-2", "DeleteUserProfile",
                     profile_data("demo", "userProfileName", name, old_uid, old_id), 2)}));
    if (old_home_has_files) {
      write_owned(volume_ + "/" + old_uid + "/a.txt", std::string(1000, 'a'), old_id);
      write_owned(volume_ + "/" + old_uid + "/dir/b.txt", std::string(234, 'b'), old_id);
    }
    make_home(volume_ + "/" + new_uid, new_id);
    post(Json::array(
        {cloud_event(name + "-3", "CreateUserProfile",
                     profile_data("demo", "userProfileName", name, new_uid, new_id), 3)}));
  }
};

TEST_F(MonitoringTest, MetricsPassPromtoolAndMoveWithARecovery) {
  start();
  // Like every endpoint but the health checks: the token, also from loopback.
  EXPECT_EQ(daemon_->request_anonymous("GET", "/metrics").status, 401);
  EXPECT_EQ(
      daemon_->request("GET", "/metrics", "", {"Authorization: Bearer wrong-token-123456"}).status,
      401);
  EXPECT_EQ(daemon_->request_anonymous("GET", "/v1/status").status, 401);

  const std::string before = metrics();
  expect_promtool_accepts(before);
  EXPECT_EQ(sample(before, "lifeboat_recoveries_total{status=\"SUCCEEDED\"}"), 0);
  EXPECT_EQ(sample(before, "lifeboat_bytes_copied_total"), 0);
  EXPECT_GT(sample(before, "process_resident_memory_bytes"), 0);
  EXPECT_GT(sample(before, "process_open_fds"), 0);

  drive_recovery("ada", "300001", "300002", true);
  ASSERT_TRUE(eventually([&] {
    return sample(metrics(), "lifeboat_recoveries_total{status=\"SUCCEEDED\"}") == 1;
  })) << metrics()
      << daemon_->log();
  // The counters the recovery moved (the store's figures are cached for up to a second).
  std::string after;
  ASSERT_TRUE(eventually([&] {
    after = metrics();
    return sample(after, "lifeboat_files_copied_total") == 2;
  })) << after;
  expect_promtool_accepts(after);
  EXPECT_EQ(sample(after, "lifeboat_bytes_copied_total"), 1234);
  EXPECT_EQ(sample(after, "lifeboat_transfers_total"), 1);
  EXPECT_EQ(sample(after, "lifeboat_events_total{outcome=\"applied\"}"), 3);
  EXPECT_EQ(sample(after, "lifeboat_executions_running"), 0);
  EXPECT_EQ(sample(after, "lifeboat_dead_letters"), 0);
  EXPECT_EQ(sample(after, "lifeboat_change_stream_lag"), 0);
  EXPECT_EQ(sample(after, "lifeboat_profiles{status=\"active\",replication=\"on\"}"), 1);
  EXPECT_EQ(sample(after, "lifeboat_recovery_duration_seconds_count"), 1);
  EXPECT_EQ(sample(after, "lifeboat_dispatcher"), 1);
  EXPECT_GT(sample(after, "lifeboat_store_operation_duration_seconds_count{op=\"write\"}"), 0);
  EXPECT_GT(sample(after, "lifeboat_store_operation_duration_seconds_count{op=\"read\"}"), 0);
  EXPECT_EQ(sample(after,
                   "lifeboat_http_request_duration_seconds_count{route=\"POST "
                   "/v1/events\",code=\"200\"}"),
            2);
  EXPECT_GE(sample(after,
                   "lifeboat_http_request_duration_seconds_count{route=\"GET "
                   "/metrics\",code=\"401\"}"),
            2);

  // A duplicate is counted as one; a batch the daemon cannot read as refused.
  post(Json::array(
      {cloud_event("ada-3", "CreateUserProfile",
                   profile_data("demo", "userProfileName", "ada", "300002", 300002), 3)}));
  EXPECT_EQ(daemon_->request("POST", "/v1/events", "{not json").status, 400);
  const std::string last = metrics();
  EXPECT_EQ(sample(last, "lifeboat_events_total{outcome=\"duplicate\"}"), 1);
  EXPECT_EQ(sample(last, "lifeboat_events_total{outcome=\"refused\"}"), 1);

  Json s = status_json();
  EXPECT_EQ(s["recoveries"]["last24h"]["succeeded"], 1) << s.dump();
  EXPECT_EQ(s["recoveries"]["bytesRestored"], 1234);
  EXPECT_EQ(s["recoveries"]["filesRestored"], 2);
  EXPECT_EQ(s["profiles"]["protected"], 1);
  EXPECT_EQ(s["recoveriesByHour"].size(), 24u);
  EXPECT_EQ(s["recoveriesByHour"].back()["succeeded"], 1) << s.dump();
  EXPECT_EQ(s["attention"], Json::array());
  EXPECT_EQ(daemon_->stop(), 0);
}

// Route labels are the router's patterns: paths a client makes up add no series.
TEST_F(MonitoringTest, RequestLabelsAreRoutePatternsNeverRawPaths) {
  start();
  for (int i = 0; i < 30; ++i) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(daemon_->request("GET", "/v1/profiles/demo/user/secret-name-" + n).status, 404);
    EXPECT_EQ(daemon_->request("GET", "/no/such/path/" + n).status, 404);
    EXPECT_EQ(daemon_->request("GET", "/v1/executions/id-" + n + "%22%0A").status, 404);
  }
  EXPECT_EQ(daemon_->request("BREW", "/v1/coffee").status, 404);
  const std::string text = metrics();
  expect_promtool_accepts(text);
  EXPECT_EQ(text.find("secret-name"), std::string::npos);
  EXPECT_EQ(text.find("/no/such"), std::string::npos);
  EXPECT_EQ(text.find("BREW"), std::string::npos);
  EXPECT_EQ(sample(text,
                   "lifeboat_http_request_duration_seconds_count{route=\"GET "
                   "/v1/profiles/{domain}/{kind}/{name}\",code=\"404\"}"),
            30);
  EXPECT_EQ(sample(text,
                   "lifeboat_http_request_duration_seconds_count{route=\"GET "
                   "/v1/executions/{id}\",code=\"404\"}"),
            30);
  EXPECT_EQ(sample(text,
                   "lifeboat_http_request_duration_seconds_count{route=\"unmatched\","
                   "code=\"404\"}"),
            31);
  EXPECT_EQ(count_lines_starting(text, "lifeboat_http_request_duration_seconds_count{"), 3);
}

TEST_F(MonitoringTest, StatusExitsZeroWhenHealthyAndPrintsTheSummary) {
  start();
  drive_recovery("bea", "310001", "310002", true);
  ASSERT_TRUE(eventually([&] { return status_json()["recoveries"]["last24h"]["succeeded"] == 1; }))
      << daemon_->log();
  ProcessResult r = lifeboat_status();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("all is well"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 succeeded, 0 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0 of 4 busy"), std::string::npos) << r.out;
  ProcessResult j = lifeboat_status({"--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  Json parsed = Json::parse(j.out, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << j.out;
  EXPECT_EQ(parsed["workers"]["total"], 4);
  EXPECT_EQ(parsed["store"], "ok");
  EXPECT_EQ(parsed["ready"], true);
  EXPECT_EQ(parsed["dispatcher"], true);
  EXPECT_TRUE(parsed["lastReconcile"].is_null());  // no platform to ask
  EXPECT_GE(parsed["uptimeSeconds"].get<int>(), 0);
}

TEST_F(MonitoringTest, AFailedRecoveryAndItsDeadLetterMakeStatusExitOneNamingThem) {
  Json workflow =
      Json::parse(std::ifstream(std::string(LIFEBOAT_SOURCE_DIR) + "/workflows/recovery.asl.json"));
  workflow["States"]["Replicate"].erase("Retry");
  std::ofstream(tmp_ / "no-retry.asl.json") << workflow.dump(2);
  start({"--workflow", tmp_ / "no-retry.asl.json"});
  // The old home is not on the volume: nothing to copy from, the recovery fails.
  drive_recovery("cy", "320001", "320002", false);
  ASSERT_TRUE(eventually([&] { return status_json()["deadLetters"] == 1; })) << daemon_->log();
  Json s = status_json();
  EXPECT_EQ(s["recoveries"]["last24h"]["failed"], 1) << s.dump();
  ASSERT_EQ(s["attention"].size(), 2u) << s.dump();
  EXPECT_EQ(s["attention"][0],
            "1 recovery failed in the last 24 hours (lifeboat executions list "
            "--status FAILED)");
  EXPECT_EQ(s["attention"][1], "1 dead letter is waiting for a redrive (lifeboat dlq list)");

  ProcessResult r = lifeboat_status();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("needs attention"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 recovery failed in the last 24 hours"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 dead letter is waiting"), std::string::npos) << r.out;

  const std::string text = metrics();
  expect_promtool_accepts(text);
  EXPECT_EQ(sample(text, "lifeboat_recoveries_total{status=\"FAILED\"}"), 1);
  EXPECT_EQ(sample(text, "lifeboat_dead_letters"), 1);
}

TEST_F(MonitoringTest, StatusOfADaemonThatCannotBeReachedOrRefusesTheTokenSaysSo) {
  start();
  const std::string live = url();
  // A wrong token: refused, exit 2, naming what to give.
  const std::string wrong = tmp_ / "wrong-token";
  std::ofstream(wrong) << "0123456789abcdef0123456789abcdef\n";
  ASSERT_EQ(::chmod(wrong.c_str(), 0600), 0);
  ProcessResult refused = lifeboat_status({"--token-file", wrong});
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("refused the API token"), std::string::npos) << refused.err;
  // Not an address.
  ProcessResult bad = run_lifeboat({"--data-dir", tmp_ / "data", "status", "--url", "ftp://x"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--url 'ftp://x'"), std::string::npos) << bad.err;

  EXPECT_EQ(daemon_->stop(), 0);
  ProcessResult down = run_lifeboat({"--data-dir", tmp_ / "data", "status", "--url", live});
  EXPECT_EQ(down.exit_code, 4) << down.out << down.err;
  EXPECT_NE(down.err.find("cannot be reached"), std::string::npos) << down.err;
  EXPECT_NE(down.err.find(live), std::string::npos) << down.err;
  EXPECT_EQ(down.out, "");
}

}  // namespace
}  // namespace lifeboat::testing

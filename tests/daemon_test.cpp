// The daemon end to end: a real `lifeboat serve`, events over HTTP, recoveries
// on real directories, the reference blog's scenarios, the add-target and disabled-flag
// paths, auth, errors, and a graceful stop.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

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

void write_file(const std::string& path, const std::string& content, int uid) {
  fsys::create_directories(fsys::path(path).parent_path());
  std::ofstream(path) << content;
  ASSERT_EQ(::chown(path.c_str(), uid, 1001), 0);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The platform creates the new home with the new owner some time after the event.
void make_home(const std::string& path, int uid) {
  fsys::create_directories(path);
  ASSERT_EQ(::chown(path.c_str(), uid, 1001), 0);
}

class DaemonTest : public DaemonFixture {
 protected:
  HttpResult post_events(const Json& events) {
    HttpResult r = daemon_->request("POST", "/v1/events", events.dump());
    EXPECT_EQ(r.status, 200) << r.body << "\n" << daemon_->log();
    return r;
  }

  // Waits until `n` top-level executions finished; returns them.
  Json wait_for_executions(std::size_t n, int seconds = 60) {
    Json list;
    for (int i = 0; i < seconds * 10; ++i) {
      auto r = daemon_->request("GET", "/v1/executions");
      list = Json::parse(r.body, nullptr, false);
      std::size_t done = 0;
      if (list.is_object()) {
        for (const auto& e : list["executions"]) done += e["status"] != "RUNNING" ? 1 : 0;
      }
      if (done >= n) return list["executions"];
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "executions did not finish: " << list.dump() << "\n" << daemon_->log();
    return Json::array();
  }

  std::string home(const std::string& dir) const { return volume_ + "/" + dir; }
};

// The blog's scenario I: domain, user1 and space1 with files; both deleted and recreated
// with new homes; the files come back, owned by the new owners.
TEST_F(DaemonTest, ScenarioOneRecreatedUserAndSpaceGetTheirFilesBack) {
  start();
  post_events(Json::array(
      {cloud_event(
           "e1", "CreateDomain",
           {{"domainId", "d-demo"}, {"domainName", "demo"}, {"homeEfsFileSystemId", "home"}}, 0),
       cloud_event("e2", "CreateUserProfile",
                   profile_data("demo", "userProfileName", "user1", "200001", 200001), 1),
       cloud_event("e3", "CreateSpace",
                   profile_data("demo", "spaceName", "space1", "200002", 200002), 2)}));
  write_file(home("200001/user1.txt"), "i don't want to lose access to this file\n", 200001);
  write_file(home("200001/project/src/deep/model.py"), "print('hi')\n", 200001);
  ASSERT_EQ(::symlink("project/src/deep/model.py", home("200001/link-to-model").c_str()), 0);
  write_file(home("200002/shared/notes.md"), "# space notes\n", 200002);

  post_events(Json::array(
      {cloud_event("e4", "DeleteUserProfile",
                   profile_data("demo", "userProfileName", "user1", "200001", 200001), 3),
       cloud_event("e5", "DeleteSpace",
                   profile_data("demo", "spaceName", "space1", "200002", 200002), 4)}));
  make_home(home("200003"), 200003);
  make_home(home("200004"), 200004);
  // The user already wrote into the new home: never clobbered.
  write_file(home("200003/new-work.txt"), "written after recreation\n", 200003);
  post_events(Json::array(
      {cloud_event("e6", "CreateUserProfile",
                   profile_data("demo", "userProfileName", "user1", "200003", 200003), 5),
       cloud_event("e7", "CreateSpace",
                   profile_data("demo", "spaceName", "space1", "200004", 200004), 6)}));

  Json executions = wait_for_executions(2);
  ASSERT_EQ(executions.size(), 2u) << executions.dump();
  for (const auto& e : executions)
    EXPECT_EQ(e["status"], "SUCCEEDED") << e.dump() << daemon_->log();

  EXPECT_EQ(read_file(home("200003/user1.txt")), "i don't want to lose access to this file\n");
  EXPECT_EQ(read_file(home("200003/project/src/deep/model.py")), "print('hi')\n");
  EXPECT_EQ(fsys::read_symlink(home("200003/link-to-model")), "project/src/deep/model.py");
  EXPECT_EQ(read_file(home("200003/new-work.txt")), "written after recreation\n");
  EXPECT_EQ(read_file(home("200004/shared/notes.md")), "# space notes\n");
  struct stat st {};
  ASSERT_EQ(::lstat(home("200003/user1.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 200003u);  // remapped to the new owner
  ASSERT_EQ(::lstat(home("200004/shared/notes.md").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 200004u);

  auto profile = daemon_->request("GET", "/v1/profiles/demo/user/user1");
  ASSERT_EQ(profile.status, 200) << profile.body;
  Json p = Json::parse(profile.body);
  EXPECT_EQ(p["efs_uid"], "200003");
  EXPECT_EQ(p["replication_status"], "SUCCESS") << p.dump();
  EXPECT_GT(p["files_transferred"].get<int>(), 0);
  EXPECT_GE(p["history"].size(), 3u);

  auto detail = daemon_->request("GET", "/v1/executions/" + executions[0]["id"].get<std::string>());
  Json d = Json::parse(detail.body);
  EXPECT_NE(d["path"].dump().find("Replicate"), std::string::npos) << d["path"].dump();
  EXPECT_FALSE(d["history"].empty());
  auto transfers = Json::parse(daemon_->request("GET", "/v1/transfers").body);
  EXPECT_EQ(transfers["transfers"].size(), 2u) << transfers.dump();
  auto cli = run_lifeboat({"--data-dir", tmp_ / "data", "--output", "json", "transfers", "list"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  Json cli_transfers = Json::parse(cli.out);
  ASSERT_EQ(cli_transfers.size(), 2u);
  EXPECT_EQ(cli_transfers[0]["replication_status"], "SUCCESS");
  EXPECT_EQ(daemon_->stop(), 0);
}

// Scenario II: an existing domain whose profiles were recorded with `lifeboat events put`
// (while the daemon runs), then recreated through the API.
TEST_F(DaemonTest, ScenarioTwoProfilesRecordedWithEventsPutThenRecreated) {
  start();
  Json seed = Json::array(
      {cloud_event("s1", "CreateDomain",
                   {{"domainId", "d-old"}, {"domainName", "old"}, {"homeEfsFileSystemId", "home"}},
                   0),
       cloud_event("s2", "CreateUserProfile",
                   profile_data("old", "userProfileName", "alice", "300001", 300001), 1)});
  auto put = run_lifeboat({"--data-dir", tmp_ / "data", "events", "put", "-"}, seed.dump());
  ASSERT_EQ(put.exit_code, 0) << put.out << put.err;
  write_file(home("300001/data.csv"), "a,b\n1,2\n", 300001);
  make_home(home("300002"), 300002);
  post_events(Json::array(
      {cloud_event("s3", "DeleteUserProfile",
                   profile_data("old", "userProfileName", "alice", "300001", 300001), 2),
       cloud_event("s4", "CreateUserProfile",
                   profile_data("old", "userProfileName", "alice", "300002", 300002), 3)}));
  Json executions = wait_for_executions(1);
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0]["status"], "SUCCEEDED") << daemon_->log();
  EXPECT_EQ(read_file(home("300002/data.csv")), "a,b\n1,2\n");
}

// add-target into another domain, and a profile whose replication is disabled.
TEST_F(DaemonTest, AddTargetCopiesAcrossDomainsAndADisabledFlagCopiesNothing) {
  start();
  post_events(Json::array(
      {cloud_event("a1", "CreateUserProfile",
                   profile_data("dev", "userProfileName", "bob", "400001", 400001), 1),
       cloud_event("a2", "CreateUserProfile",
                   profile_data("dev", "userProfileName", "carol", "400002", 400002), 2)}));
  write_file(home("400001/bob.txt"), "bob's work\n", 400001);
  write_file(home("400002/carol.txt"), "carol's work\n", 400002);

  auto target = daemon_->request("POST", "/v1/replication-targets",
                                 Json{{"source", {{"domainName", "dev"}, {"profileName", "bob"}}},
                                      {"target", {{"domainName", "prod"}, {"profileName", "bob"}}}}
                                     .dump());
  ASSERT_EQ(target.status, 201) << target.body;
  auto off =
      daemon_->request("POST", "/v1/profiles/dev/user/carol/replication", R"({"enabled": false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(Json::parse(off.body)["replication"], false);

  make_home(home("500001"), 500001);
  make_home(home("400003"), 400003);
  post_events(Json::array(
      {cloud_event("a3", "CreateUserProfile",
                   profile_data("prod", "userProfileName", "bob", "500001", 500001), 3),
       cloud_event("a4", "DeleteUserProfile",
                   profile_data("dev", "userProfileName", "carol", "400002", 400002), 4),
       cloud_event("a5", "CreateUserProfile",
                   profile_data("dev", "userProfileName", "carol", "400003", 400003), 5)}));
  Json executions = wait_for_executions(1);
  ASSERT_EQ(executions.size(), 1u) << executions.dump();
  EXPECT_EQ(read_file(home("500001/bob.txt")), "bob's work\n");
  // Once the dispatcher has handled every change those events made, a wrongly started
  // recovery would be listed: still exactly one execution.
  ASSERT_TRUE(daemon_->wait_dispatched()) << daemon_->log();
  EXPECT_EQ(Json::parse(daemon_->request("GET", "/v1/executions").body)["executions"].size(), 1u);
  EXPECT_FALSE(fsys::exists(home("400003/carol.txt")));
}

// SIGTERM during a copy: the daemon stops promptly, the execution stays unfinished in the
// store, and the next start resumes it to the end.
TEST_F(DaemonTest, GracefulStopMidCopyAndResumeOnRestart) {
  std::ofstream(config_, std::ios::app) << "[transfer]\nbwlimit = 200000\n";  // 200 kB/s
  start();
  post_events(Json::array(
      {cloud_event("g1", "CreateUserProfile",
                   profile_data("demo", "userProfileName", "dave", "600001", 600001), 1),
       cloud_event("g2", "DeleteUserProfile",
                   profile_data("demo", "userProfileName", "dave", "600001", 600001), 2)}));
  for (int i = 0; i < 8; ++i) {
    write_file(home("600001/data-" + std::to_string(i) + ".bin"), std::string(256 * 1024, 'x'),
               600001);
  }
  make_home(home("600002"), 600002);
  post_events(Json::array(
      {cloud_event("g3", "CreateUserProfile",
                   profile_data("demo", "userProfileName", "dave", "600002", 600002), 3)}));
  // Wait until the copy is under way, then stop.
  for (int i = 0; i < 100 && !fsys::exists(home("600002/data-0.bin")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(daemon_->stop(), 0);
  auto list = run_lifeboat({"--data-dir", tmp_ / "data", "--output", "json", "executions", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("RUNNING"), std::string::npos) << list.out;

  std::ofstream(config_) << "[[volumes]]\nid = \"home\"\npath = \"" << volume_ << "\"\n";
  start();
  Json executions = wait_for_executions(1);
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0]["status"], "SUCCEEDED") << daemon_->log();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(fsys::file_size(home("600002/data-" + std::to_string(i) + ".bin")), 256u * 1024);
  }
}

// A failed recovery lands in the dead-letter table; redriving it over the API starts a new
// execution with the same input. The workflow is an administrator's edit of the shipped one
// without retries (so the failure is immediate), loaded with --workflow.
TEST_F(DaemonTest, FailedRecoveryIsDeadLetteredAndRedriveRunsItAgain) {
  Json workflow =
      Json::parse(read_file(std::string(LIFEBOAT_SOURCE_DIR) + "/workflows/recovery.asl.json"));
  workflow["States"]["Replicate"].erase("Retry");
  std::ofstream(tmp_ / "no-retry.asl.json") << workflow.dump(2);
  start({"--workflow", tmp_ / "no-retry.asl.json"});
  post_events(Json::array(
      {cloud_event("f1", "CreateUserProfile",
                   profile_data("demo", "userProfileName", "erin", "700001", 700001), 1),
       cloud_event("f2", "DeleteUserProfile",
                   profile_data("demo", "userProfileName", "erin", "700001", 700001), 2)}));
  // The old home is gone from the volume (nothing to copy from): the recovery fails.
  make_home(home("700002"), 700002);
  post_events(Json::array(
      {cloud_event("f3", "CreateUserProfile",
                   profile_data("demo", "userProfileName", "erin", "700002", 700002), 3)}));
  Json executions = wait_for_executions(1);
  ASSERT_EQ(executions.size(), 1u);
  EXPECT_EQ(executions[0]["status"], "FAILED") << executions.dump();
  Json letters = Json::parse(daemon_->request("GET", "/v1/dead-letters").body)["deadLetters"];
  ASSERT_EQ(letters.size(), 1u) << letters.dump();
  EXPECT_EQ(letters[0]["payload"]["profileName"], "erin");

  write_file(home("700001/found.txt"), "restored from backup\n", 700001);
  auto redrive = daemon_->request(
      "POST", "/v1/dead-letters/" + letters[0]["id"].get<std::string>() + "/redrive");
  ASSERT_EQ(redrive.status, 202) << redrive.body;
  executions = wait_for_executions(2);
  ASSERT_EQ(executions.size(), 2u);
  bool succeeded = false;
  for (const auto& e : executions) succeeded = succeeded || e["status"] == "SUCCEEDED";
  EXPECT_TRUE(succeeded) << executions.dump() << daemon_->log();
  EXPECT_EQ(read_file(home("700002/found.txt")), "restored from backup\n");
  // A letter is redriven once.
  auto again = daemon_->request(
      "POST", "/v1/dead-letters/" + letters[0]["id"].get<std::string>() + "/redrive");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(daemon_->request("POST", "/v1/dead-letters/nope/redrive").status, 404);
}

// per_volume_concurrency = 1: recoveries into one volume run one at a time, while one into
// another volume runs beside them. The workflow blocks in a test task until released.
TEST_F(DaemonTest, PerVolumeConcurrencyLimitsCopiesIntoOneVolume) {
  const std::string counter = tmp_ / "started.txt";
  const std::string release = tmp_ / "release";
  Json workflow{{"StartAt", "Block"},
                {"States",
                 {{"Block",
                   {{"Type", "Task"},
                    {"Resource", "lifeboat:test.block"},
                    {"Parameters",
                     {{"counterFile", counter}, {"releaseFile", release}, {"timeoutSeconds", 60}}},
                    {"End", true}}}}}};
  std::ofstream(tmp_ / "block.asl.json") << workflow.dump();
  fsys::create_directories(tmp_ / "volume2");
  std::ofstream(config_, std::ios::app)
      << "[[volumes]]\nid = \"home2\"\npath = \"" << (tmp_ / "volume2") << "\"\n";
  daemon_ = std::make_unique<DaemonProcess>(
      tmp_ / "data",
      std::vector<std::string>{"--config", config_, "--workflow", tmp_ / "block.asl.json",
                               "--workers", "4", "--per-volume-concurrency", "1"},
      std::vector<std::string>{},
      // --verbose: logs a copy waiting for its volume's slot.
      DaemonStart{.global_args = {"--verbose"}, .test_resources = true});
  Json events = Json::array();
  int minute = 0;
  for (const std::string name : {"u1", "u2", "u3"}) {
    Json old_home = profile_data("demo", "userProfileName", name, name + "-old", 1000);
    Json new_home = profile_data("demo", "userProfileName", name, name + "-new", 1000);
    if (name == "u3") new_home["homeEfsFileSystemId"] = "home2";
    events.push_back(cloud_event(name + "-c", "CreateUserProfile", old_home, ++minute));
    events.push_back(cloud_event(name + "-d", "DeleteUserProfile", old_home, ++minute));
    events.push_back(cloud_event(name + "-r", "CreateUserProfile", new_home, ++minute));
  }
  post_events(events);
  auto started = [&] {
    std::ifstream in(counter);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  };
  for (int i = 0; i < 100 && started() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // The third recovery into "home" is refused a slot while the first one copies.
  ASSERT_TRUE(daemon_->wait_for_log("waits for a copy slot of volume 'home'")) << daemon_->log();
  EXPECT_EQ(started(), 2) << "one per volume may run: " << read_file(counter);
  std::ofstream(release) << "go\n";
  Json executions = wait_for_executions(3);
  ASSERT_EQ(executions.size(), 3u);
  for (const auto& e : executions) EXPECT_EQ(e["status"], "SUCCEEDED") << e.dump();
  EXPECT_EQ(started(), 3);
}

TEST_F(DaemonTest, TokenIsRequiredAndErrorsAreProblemJson) {
  std::ofstream(tmp_ / "token") << "s3cret-token-0123456789\n";
  std::filesystem::permissions(tmp_ / "token", std::filesystem::perms::owner_read);
  start({"--token-file", tmp_ / "token", "--max-body-bytes", "2000", "--log-format", "json"});
  EXPECT_EQ(daemon_->request_anonymous("GET", "/healthz").status, 200);
  EXPECT_EQ(daemon_->request_anonymous("GET", "/readyz").status, 200);
  auto denied = daemon_->request_anonymous("GET", "/v1/profiles");
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(daemon_->request("GET", "/v1/profiles", "", {"Authorization: Bearer wrong"}).status,
            401);
  EXPECT_EQ(
      daemon_->request("GET", "/v1/profiles", "", {"Authorization: Bearer s3cret-token-0123456789"})
          .status,
      200);
  EXPECT_EQ(
      daemon_->request("GET", "/v1/profiles", "", {"x-api-key: s3cret-token-0123456789"}).status,
      200);

  const std::vector<std::string> auth{"x-api-key: s3cret-token-0123456789"};
  auto bad_json = daemon_->request("POST", "/v1/events", "{not json", auth);
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.content_type, "application/problem+json");
  auto missing = daemon_->request(
      "POST", "/v1/events",
      cloud_event("x1", "CreateUserProfile", {{"domainId", "d-1"}, {"domainName", "demo"}}, 1)
          .dump(),
      auth);
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("userProfileName"), std::string::npos) << missing.body;
  auto big = daemon_->request("POST", "/v1/events", std::string(5000, ' ') + "{}", auth);
  EXPECT_EQ(big.status, 413);
  // Nothing was written by the refused requests.
  auto profiles = Json::parse(daemon_->request("GET", "/v1/profiles", "", auth).body);
  EXPECT_TRUE(profiles["profiles"].empty()) << profiles.dump();
  // An event no rule matches is acknowledged as ignored.
  Json other{{"specversion", "1.0"},
             {"id", "o1"},
             {"source", "x"},
             {"type", "SomethingElse"},
             {"data", Json::object()}};
  auto ignored = daemon_->request("POST", "/v1/events", other.dump(), auth);
  EXPECT_EQ(ignored.status, 200) << ignored.body;
  EXPECT_EQ(Json::parse(ignored.body)["results"][0]["outcome"], "ignored");
  EXPECT_EQ(daemon_->stop(), 0);
  // --log-format json: every log line is one JSON object with time, level and msg.
  std::istringstream log(daemon_->log());
  int lines = 0;
  for (std::string line; std::getline(log, line); ++lines) {
    Json entry = Json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << line;
    EXPECT_TRUE(entry.contains("time") && entry.contains("level") && entry.contains("msg")) << line;
  }
  EXPECT_GE(lines, 2);
}

TEST_F(DaemonTest, BadConfigStopsTheStartNamingTheKey) {
  std::ofstream(config_) << "workers = 0\n";
  auto r = run_lifeboat({"--data-dir", tmp_ / "data", "serve", "--config", config_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("workers"), std::string::npos) << r.err;
  std::ofstream(config_) << "wrokers = 3\n";
  r = run_lifeboat({"--data-dir", tmp_ / "data", "serve", "--config", config_});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("wrokers"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace lifeboat::testing

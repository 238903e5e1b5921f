// The daemon under attack (docs/security.md): what an unauthenticated client, an event, or
// a second daemon can make `lifeboat serve` do. Each test plays one attack against the
// real binary and shows it refused with nothing written.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
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

constexpr int kVictimUid = 210001;
constexpr int kAttackerUid = 210002;

void make_owned_dir(const std::string& path, int uid, mode_t mode) {
  fsys::create_directories(path);
  ASSERT_EQ(::chown(path.c_str(), uid, uid), 0);
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

class DaemonSecurityTest : public DaemonFixture {
 protected:
  Json profiles() {
    auto r = daemon_->request("GET", "/v1/profiles");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json::parse(r.body)["profiles"];
  }

  Json executions() {
    return Json::parse(daemon_->request("GET", "/v1/executions").body)["executions"];
  }

  // Sends one event that must be refused with 400 naming `field`; nothing may be written.
  void expect_refused(const Json& event, const std::string& field) {
    const Json before = profiles();
    auto r = daemon_->request("POST", "/v1/events", event.dump());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_NE(r.body.find(field), std::string::npos) << r.body;
    EXPECT_EQ(profiles(), before) << "a refused event wrote something";
  }

  // Recreates a harmless profile and waits for its recovery: the dispatcher handles changes
  // in order, so once it ran, every earlier change was decided.
  void drain_dispatcher(int minute) {
    fsys::create_directories(volume_ + "/290001");
    fsys::create_directories(volume_ + "/290002");
    auto r = daemon_->request("POST", "/v1/events",
                              recreate_user("marker", "290001", "290002", minute).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    for (int i = 0; i < 600; ++i) {
      for (const auto& e : executions()) {
        if (e["input"]["profileName"] == "marker" && e["status"] != "RUNNING") return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL() << "the marker recovery did not finish:\n" << daemon_->log();
  }
};

TEST_F(DaemonSecurityTest, WithoutATokenFileServeCreatesAPrivateTokenAndAnswersNobodyWithoutIt) {
  start();
  const std::string token_path = tmp_ / "data/api-token";
  struct stat st {};
  ASSERT_EQ(::stat(token_path.c_str(), &st), 0) << daemon_->log();
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_GE(daemon_->token().size(), 32u);
  EXPECT_NE(daemon_->log().find(token_path), std::string::npos) << "serve says where it is";

  // Loopback is no credential: every API call without the token is refused.
  for (const char* path : {"/v1/profiles", "/v1/executions", "/v1/dead-letters"}) {
    EXPECT_EQ(daemon_->request_anonymous("GET", path).status, 401) << path;
  }
  EXPECT_EQ(daemon_->request_anonymous("POST", "/v1/events", "[]").status, 401);
  EXPECT_EQ(daemon_->request_anonymous("GET", "/healthz").status, 200);
  EXPECT_EQ(daemon_->request("GET", "/v1/profiles").status, 200);

  // The CLI finds the same token, without creating another.
  auto shown = run_lifeboat({"--data-dir", tmp_ / "data", "token"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out, daemon_->token() + "\n");
  auto where = run_lifeboat({"--data-dir", tmp_ / "data", "token", "--path"});
  EXPECT_EQ(where.out, token_path + "\n");

  // A restart reads the token it made rather than making another.
  const std::string token = daemon_->token();
  EXPECT_EQ(daemon_->stop(), 0);
  start();
  EXPECT_EQ(daemon_->token(), token);
}

TEST_F(DaemonSecurityTest, TokenFilesOthersCanReadOrThatAreTooShortAreRefused) {
  const std::string token_file = tmp_ / "token";
  std::ofstream(token_file) << "a-long-enough-token-0123456789\n";
  ASSERT_EQ(::chmod(token_file.c_str(), 0644), 0);
  auto r = run_lifeboat({"--data-dir", tmp_ / "data", "serve", "--listen", "127.0.0.1:0",
                         "--token-file", token_file});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
  auto cli = run_lifeboat({"--data-dir", tmp_ / "data", "token", "--token-file", token_file});
  EXPECT_EQ(cli.exit_code, 2) << "the CLI refuses it too: " << cli.out;

  std::ofstream(token_file) << "short\n";
  ASSERT_EQ(::chmod(token_file.c_str(), 0600), 0);
  r = run_lifeboat({"--data-dir", tmp_ / "data", "serve", "--listen", "127.0.0.1:0", "--token-file",
                    token_file});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("at least 16"), std::string::npos) << r.err;

  // A generated token file someone loosened is refused too, not silently used.
  fsys::create_directories(tmp_ / "data");
  std::ofstream(tmp_ / "data/api-token") << "a-long-enough-token-0123456789\n";
  ASSERT_EQ(::chmod((tmp_ / "data/api-token").c_str(), 0640), 0);
  r = run_lifeboat({"--data-dir", tmp_ / "data", "serve", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("api-token"), std::string::npos) << r.err;
}

TEST_F(DaemonSecurityTest, ASecondServeOnTheSameStoreRefusesNamingTheHolder) {
  start();
  auto second = run_lifeboat({"--data-dir", tmp_ / "data", "serve", "--listen", "127.0.0.1:0"});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.err.find("pid " + std::to_string(daemon_->pid())), std::string::npos)
      << second.err;
  EXPECT_NE(second.err.find("another lifeboat serve"), std::string::npos) << second.err;
  // One-shot commands still work beside the daemon.
  auto list = run_lifeboat({"--data-dir", tmp_ / "data", "--output", "json", "profiles", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(daemon_->request("GET", "/healthz").status, 200) << "the holder is unharmed";
  // The lock dies with its holder, however it ends.
  daemon_->kill_hard();
  start();
  EXPECT_EQ(daemon_->request("GET", "/readyz").status, 200);
}

TEST_F(DaemonSecurityTest, EventsCannotNameRootAsTheNewOwner) {
  start();
  Json data = profile_data("demo", "userProfileName", "eve", "220001", 0);
  expect_refused(cloud_event("root-uid", "CreateUserProfile", data, 1), "ownerUid");
  data = profile_data("demo", "userProfileName", "eve", "220001", 1001);
  data["ownerGid"] = 0;
  expect_refused(cloud_event("root-gid", "CreateUserProfile", data, 1), "ownerGid");
  data["ownerGid"] = 4294967295LL;
  expect_refused(cloud_event("minus-one-gid", "CreateUserProfile", data, 1), "ownerGid");
  // A batch with one such event is refused whole.
  expect_refused(
      Json::array({cloud_event("fine", "CreateUserProfile",
                               profile_data("demo", "userProfileName", "amy", "220002", 220002), 1),
                   cloud_event("root-uid-2", "CreateUserProfile",
                               profile_data("demo", "userProfileName", "eve", "220001", 0), 2)}),
      "ownerUid");
}

TEST_F(DaemonSecurityTest, TheAdministratorMayAllowARootOwnerExplicitly) {
  std::ofstream(config_, std::ios::app) << "[security]\nallow_root_owner = true\n";
  start();
  auto r =
      daemon_->request("POST", "/v1/events",
                       cloud_event("root-ok", "CreateUserProfile",
                                   profile_data("demo", "userProfileName", "svc", "220003", 0), 1)
                           .dump());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(profiles().size(), 1u);
}

TEST_F(DaemonSecurityTest, AHomeDirectoryNameIsOnePlainEntry) {
  start();
  for (const char* dir : {".", "..", "", "/", "a/b", "../etc"}) {
    expect_refused(cloud_event(std::string("dir-") + dir, "CreateUserProfile",
                               profile_data("demo", "userProfileName", "eve", dir, 1001), 1),
                   "homeEfsFileSystemUid");
  }
  // SageMaker names homes by uid: a CloudTrail record with another name is refused.
  Json trail = {{"version", "0"},
                {"id", "trail-1"},
                {"detail-type", "AWS API Call via CloudTrail"},
                {"source", "aws.sagemaker"},
                {"account", "123456789012"},
                {"time", "2026-11-29T10:00:00Z"},
                {"region", "us-east-1"},
                {"detail",
                 {{"eventSource", "sagemaker.amazonaws.com"},
                  {"eventName", "CreateUserProfile"},
                  {"eventID", "trail-1"},
                  {"eventTime", "2026-11-29T10:00:00Z"},
                  {"requestParameters",
                   {{"domainId", "d-demo"},
                    {"domainName", "demo"},
                    {"userProfileName", "eve"},
                    {"homeEfsFileSystemId", "home"},
                    {"homeEfsFileSystemUid", "shared"}}}}}};
  expect_refused(trail, "homeEfsFileSystemUid");
}

// Attack (a): a delete of a profile Lifeboat never saw names the victim's home; the
// "recreation" names the attacker's. Before, the victim's private files were copied into
// the attacker's home and handed to the attacker.
TEST_F(DaemonSecurityTest, ADeleteOfAProfileNeverSeenDoesNotInventAHomeToCopyFrom) {
  start();
  make_owned_dir(volume_ + "/230001", kVictimUid, 0700);
  std::ofstream(volume_ + "/230001/diary.txt") << "private\n";
  make_owned_dir(volume_ + "/230002", kAttackerUid, 0700);
  auto r = daemon_->request(
      "POST", "/v1/events",
      Json::array(
          {cloud_event("fake-delete", "DeleteUserProfile",
                       profile_data("demo", "userProfileName", "mallory", "230001", kVictimUid), 1),
           cloud_event("fake-create", "CreateUserProfile",
                       profile_data("demo", "userProfileName", "mallory", "230002", kAttackerUid),
                       2)})
          .dump());
  ASSERT_EQ(r.status, 200) << r.body;
  drain_dispatcher(10);
  for (const auto& e : executions()) {
    EXPECT_NE(e["input"]["profileName"], "mallory") << "a recovery was started: " << e.dump();
  }
  EXPECT_FALSE(fsys::exists(volume_ + "/230002/diary.txt"));
  auto mallory = Json::parse(daemon_->request("GET", "/v1/profiles/demo/user/mallory").body);
  EXPECT_EQ(mallory["efs_uid"], "230002");
}

// A recreation whose new home is another active profile's home would merge a stranger's
// files into it and re-own that home.
TEST_F(DaemonSecurityTest, ANewHomeThatIsAnotherActiveProfilesHomeIsRefused) {
  start();
  auto r = daemon_->request(
      "POST", "/v1/events",
      Json::array(
          {cloud_event("v-create", "CreateUserProfile",
                       profile_data("demo", "userProfileName", "victim", "240001", kVictimUid), 1),
           cloud_event("a-create", "CreateUserProfile",
                       profile_data("demo", "userProfileName", "attacker", "240002", kAttackerUid),
                       2),
           cloud_event("a-delete", "DeleteUserProfile",
                       profile_data("demo", "userProfileName", "attacker", "240002", kAttackerUid),
                       3)})
          .dump());
  ASSERT_EQ(r.status, 200) << r.body;
  expect_refused(
      cloud_event("a-recreate", "CreateUserProfile",
                  profile_data("demo", "userProfileName", "attacker", "240001", kAttackerUid), 4),
      "homeEfsFileSystemUid");
  auto attacker = Json::parse(daemon_->request("GET", "/v1/profiles/demo/user/attacker").body);
  EXPECT_EQ(attacker["efs_uid"], "240002");
  EXPECT_EQ(attacker["status"], "deleted");
}

}  // namespace
}  // namespace lifeboat::testing

// Lifeboat against SageMaker: the real daemon and `lifeboat seed`, over HTTP on 127.0.0.1,
// against the fake SageMaker (tests/fakes/fake_sagemaker.py), which checks every
// request's SigV4 signature and shape, plays Studio (uids from 200001, home directories
// that appear after the profile, owned uid:100) and records CloudTrail events without any
// home field — the test relays them to the daemon as an EventBridge rule would, or
// withholds them to play a lost event.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/json.h"
#include "support/daemon_process.h"
#include "support/fake_sagemaker.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

using core::Json;
namespace fsys = std::filesystem;

constexpr uid_t kStudioGid = 100;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SageMakerDaemonTest : public ::testing::Test {
 protected:
  explicit SageMakerDaemonTest(std::vector<std::string> fake_flags = {})
      : fake_(std::move(fake_flags)) {}

  //! Writes the config: platform sagemaker, volumes found under the fake's volume root.
  void write_config(int reconcile_seconds) {
    config_ = tmp_ / "lifeboat.toml";
    std::ofstream(config_) << "[platform]\nkind = \"sagemaker\"\nregion = \"us-east-1\"\n"
                           << "reconcile_interval_seconds = " << reconcile_seconds << "\n"
                           << "volume_path_template = \"" << fake_.volume_root()
                           << "/{volume_id}\"\n";
  }

  void start_daemon(int reconcile_seconds) {
    write_config(reconcile_seconds);
    // --verbose: the daemon logs each finished reconcile pass (kPassDone).
    daemon_ = std::make_unique<DaemonProcess>(
        tmp_ / "data", std::vector<std::string>{"--config", config_}, fake_.env(),
        DaemonStart{.global_args = {"--verbose"}});
  }

  //! Waits until the reconciler has finished `passes` whole passes from now (one already
  //! under way counts for none) and the dispatcher has handled whatever they found.
  void wait_for_passes(int passes) {
    const int done = daemon_->log_count(kPassDone);
    ASSERT_TRUE(daemon_->wait_for_log(kPassDone, done + passes + 1)) << daemon_->log();
    ASSERT_TRUE(daemon_->wait_dispatched()) << daemon_->log();
  }
  static constexpr const char* kPassDone = "profile(s) listed";

  //! Hands the daemon every CloudTrail record the fake emitted since the last relay
  //! (except those `drop` says to lose), as an EventBridge rule's target would.
  Json relay_events(const std::function<bool(const Json&)>& drop = {}) {
    Json all = fake_.events()["events"];
    Json batch = Json::array();
    for (std::size_t i = relayed_; i < all.size(); ++i) {
      if (!drop || !drop(all[i])) batch.push_back(all[i]);
    }
    relayed_ = all.size();
    if (batch.empty()) return Json::object();
    auto r = daemon_->request("POST", "/v1/events", batch.dump());
    EXPECT_EQ(r.status, 200) << r.body << "\n" << daemon_->log();
    return Json::parse(r.body, nullptr, false);
  }

  std::string home(const std::string& volume, const std::string& uid) const {
    return fake_.volume_root() + "/" + volume + "/" + uid;
  }

  //! Plays the person's work: files in their home, owned by the home's uid:100.
  static void write_work(const std::string& dir, const std::string& uid) {
    fsys::create_directories(dir + "/project");
    std::ofstream(dir + "/notebook.ipynb") << "{\"cells\": []}";
    std::ofstream(dir + "/project/train.py") << "print('train')\n";
    for (const char* f : {"", "/notebook.ipynb", "/project", "/project/train.py"}) {
      ASSERT_EQ(::lchown((dir + f).c_str(), static_cast<uid_t>(std::stoul(uid)), kStudioGid), 0);
    }
  }

  //! Whether `dir` holds the work, owned by uid:100.
  static bool has_work(const std::string& dir, const std::string& uid) {
    struct stat st {};
    if (::lstat((dir + "/project/train.py").c_str(), &st) != 0) return false;
    return read_file(dir + "/project/train.py") == "print('train')\n" &&
           st.st_uid == std::stoul(uid) && st.st_gid == kStudioGid &&
           read_file(dir + "/notebook.ipynb") == "{\"cells\": []}";
  }

  Json profile(const std::string& name, const std::string& kind = "user") {
    auto r = daemon_->request("GET", "/v1/profiles?domain=demo");
    if (r.status != 200) return nullptr;
    const Json body = Json::parse(r.body, nullptr, false);
    for (const auto& p : body.value("profiles", Json::array())) {
      if (p.value("kind", "") == kind &&
          p.value(kind == "user" ? "user_profile_name" : "space_name", "") == name)
        return p;
    }
    return nullptr;
  }

  TempDir tmp_;
  FakeSageMaker fake_;
  std::string config_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::size_t relayed_ = 0;
};

// Events only (no reconciling): CloudTrail records carry no home; the daemon holds them,
// asks SageMaker (the new profile is Pending at first, then InService with a uid), and
// recovers the old home into the new one, owned by the new home's owner.
TEST_F(SageMakerDaemonTest, CloudTrailRecordsAreEnrichedAndTheRecreatedUserRecovered) {
  start_daemon(/*reconcile_seconds=*/0);
  const std::string domain = fake_.create_domain("demo");
  const std::string volume = fake_.volume_of(domain);
  const std::string old_uid = fake_.create_user(domain, "alice");
  Json first = relay_events();
  ASSERT_TRUE(eventually([&] { return !profile("alice").is_null(); })) << daemon_->log();
  EXPECT_EQ(profile("alice")["efs_uid"], old_uid);
  EXPECT_EQ(profile("alice")["efs_sys_id"], volume);
  ASSERT_TRUE(eventually([&] { return fsys::exists(home(volume, old_uid)); }));
  write_work(home(volume, old_uid), old_uid);

  fake_.delete_user(domain, "alice");
  const std::string new_uid = fake_.create_user(domain, "alice");
  ASSERT_NE(new_uid, old_uid);
  Json relayed = relay_events();
  EXPECT_EQ(relayed.value("held", 0), 1) << relayed.dump();
  ASSERT_TRUE(eventually([&] { return has_work(home(volume, new_uid), new_uid); }))
      << daemon_->log();
  ASSERT_TRUE(eventually([&] {
    const Json p = profile("alice");
    return p.is_object() && p["replication_status"] == "SUCCESS";
  })) << profile("alice").dump();
  // The old home is kept, untouched.
  EXPECT_TRUE(has_work(home(volume, old_uid), old_uid));
  // A resend of the same records changes nothing.
  relayed_ = 0;
  Json again = relay_events();
  EXPECT_EQ(again.value("applied", 0), 0) << again.dump();
}

// A profile still Pending when its record arrives is held, visibly (API and CLI, with
// the reason), and applied once SageMaker reports it InService with a uid.
TEST_F(SageMakerDaemonTest, APendingProfileIsHeldVisiblyUntilInService) {
  start_daemon(/*reconcile_seconds=*/0);
  const std::string domain = fake_.create_domain("demo");
  relay_events();
  fake_.control("config", R"({"createDelay": 4})");
  fake_.call("CreateUserProfile", {{"DomainId", domain}, {"UserProfileName", "carol"}});
  EXPECT_EQ(relay_events().value("held", 0), 1);
  Json held;
  ASSERT_TRUE(eventually([&] {
    auto r = daemon_->request("GET", "/v1/held-events");
    held = Json::parse(r.body, nullptr, false);
    return r.status == 200 && held["heldEvents"].size() == 1 &&
           held["heldEvents"][0].value("attempts", 0) >= 1;
  })) << held.dump();
  EXPECT_NE(held["heldEvents"][0].value("last_error", "").find("Pending"), std::string::npos)
      << held.dump();
  ProcessResult listed =
      run_lifeboat({"--data-dir", tmp_ / "data", "--output", "json", "events", "held"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(Json::parse(listed.out).size(), 1u) << listed.out;
  ASSERT_TRUE(eventually([&] { return profile("carol").is_object(); })) << daemon_->log();
  EXPECT_FALSE(profile("carol")["efs_uid"].is_null());
  auto r = daemon_->request("GET", "/v1/held-events");
  EXPECT_EQ(Json::parse(r.body)["heldEvents"].size(), 0u) << r.body;
}

// A held event survives a restart: the daemon stops while SageMaker still says Pending,
// and the next daemon applies it.
TEST_F(SageMakerDaemonTest, HeldEventsSurviveARestart) {
  start_daemon(/*reconcile_seconds=*/0);
  const std::string domain = fake_.create_domain("demo");
  relay_events();
  fake_.control("config", R"({"createDelay": 5})");
  fake_.call("CreateUserProfile", {{"DomainId", domain}, {"UserProfileName", "dana"}});
  EXPECT_EQ(relay_events().value("held", 0), 1);
  ASSERT_EQ(daemon_->stop(), 0) << daemon_->log();
  daemon_ = std::make_unique<DaemonProcess>(
      tmp_ / "data", std::vector<std::string>{"--config", config_}, fake_.env());
  ASSERT_TRUE(eventually([&] { return profile("dana").is_object(); })) << daemon_->log();
  EXPECT_FALSE(profile("dana")["efs_uid"].is_null());
}

// Events and reconciling both see the same recreation: one recovery, not two.
TEST_F(SageMakerDaemonTest, EventsAndReconcilingStartOneRecoveryForOneRecreation) {
  start_daemon(/*reconcile_seconds=*/1);
  const std::string domain = fake_.create_domain("demo");
  const std::string volume = fake_.volume_of(domain);
  const std::string old_uid = fake_.create_user(domain, "erin");
  relay_events();
  ASSERT_TRUE(eventually([&] { return profile("erin").is_object(); })) << daemon_->log();
  ASSERT_TRUE(eventually([&] { return fsys::exists(home(volume, old_uid)); }));
  write_work(home(volume, old_uid), old_uid);
  fake_.delete_user(domain, "erin");
  const std::string new_uid = fake_.create_user(domain, "erin");
  wait_for_passes(1);  // a pass sees it first
  relay_events();
  ASSERT_TRUE(eventually([&] { return has_work(home(volume, new_uid), new_uid); }))
      << daemon_->log();
  wait_for_passes(2);  // more passes, with the events applied
  auto r = daemon_->request("GET", "/v1/executions");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["executions"].size(), 1u) << r.body << "\n" << daemon_->log();
}

// Event ids that start with "seed:" or "reconcile:" are Lifeboat's own: an outsider's
// "seed:" event would otherwise suppress a recovery.
TEST_F(SageMakerDaemonTest, ReservedEventIdsAreRefused) {
  start_daemon(/*reconcile_seconds=*/0);
  const Json event{{"specversion", "1.0"},
                   {"id", "seed:CreateUserProfile:d-x:mallory"},
                   {"source", "com.example"},
                   {"type", "CreateUserProfile"},
                   {"time", "2026-11-30T10:00:00Z"},
                   {"data",
                    {{"domainId", "d-x"},
                     {"domainName", "x"},
                     {"userProfileName", "mallory"},
                     {"homeEfsFileSystemId", "fs-1"},
                     {"homeEfsFileSystemUid", "300001"}}}};
  auto r = daemon_->request("POST", "/v1/events", event.dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("seed:"), std::string::npos) << r.body;
  EXPECT_TRUE(profile("mallory").is_null());
}

// A daemon that was down, or an account without an EventBridge rule: no event at all.
// Reconciling alone records the domain, notices the recreated space, and recovers it.
TEST_F(SageMakerDaemonTest, ReconcilingAloneRecoversARecreatedSpace) {
  const std::string domain = fake_.create_domain("demo");
  const std::string volume = fake_.volume_of(domain);
  const std::string old_uid = fake_.create_space(domain, "lab");
  ASSERT_TRUE(eventually([&] { return fsys::exists(home(volume, old_uid)); }));
  write_work(home(volume, old_uid), old_uid);
  start_daemon(/*reconcile_seconds=*/1);
  ASSERT_TRUE(eventually([&] { return !profile("lab", "space").is_null(); })) << daemon_->log();

  fake_.delete_space(domain, "lab");
  const std::string new_uid = fake_.create_space(domain, "lab");
  ASSERT_TRUE(eventually([&] { return has_work(home(volume, new_uid), new_uid); }))
      << daemon_->log();
  // One recreation, one recovery, however many passes ran.
  wait_for_passes(2);
  auto r = daemon_->request("GET", "/v1/executions");
  ASSERT_EQ(r.status, 200);
  int recoveries = 0;
  const Json executions = Json::parse(r.body)["executions"];
  for (const auto& e : executions) recoveries += e.is_object() ? 1 : 0;
  EXPECT_EQ(recoveries, 1) << r.body;
}

// The blog's scenario II: a domain that existed before Lifeboat is seeded (no recovery
// starts, a second seed changes nothing); then the whole domain is deleted and recreated
// on a new volume, and reconciling alone moves every profile's work there.
TEST_F(SageMakerDaemonTest, SeedThenADomainRecreatedOnANewVolumeIsFoundByReconciling) {
  const std::string old_domain = fake_.create_domain("demo");
  const std::string old_volume = fake_.volume_of(old_domain);
  const std::string bob_uid = fake_.create_user(old_domain, "bob");
  ASSERT_TRUE(eventually([&] { return fsys::exists(home(old_volume, bob_uid)); }));
  write_work(home(old_volume, bob_uid), bob_uid);

  write_config(/*reconcile_seconds=*/1);
  const std::vector<std::string> store{"--data-dir", tmp_ / "data", "--output", "json"};
  auto seed_args = store;
  seed_args.insert(seed_args.end(), {"seed", "--config", config_});
  ProcessResult seeded = run_lifeboat(seed_args, "", fake_.env());
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  Json report = Json::parse(seeded.out);
  EXPECT_EQ(report["summary"]["recorded"], 2) << seeded.out;  // the domain and bob
  ProcessResult again = run_lifeboat(seed_args, "", fake_.env());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Json::parse(again.out)["summary"].value("recorded", 0), 0) << again.out;
  EXPECT_EQ(Json::parse(again.out)["describes"], 0) << again.out;

  daemon_ = std::make_unique<DaemonProcess>(
      tmp_ / "data", std::vector<std::string>{"--config", config_}, fake_.env());
  fake_.delete_user(old_domain, "bob");
  fake_.delete_domain(old_domain);
  const std::string new_domain = fake_.create_domain("demo");
  const std::string new_volume = fake_.volume_of(new_domain);
  ASSERT_NE(new_volume, old_volume);
  const std::string new_bob = fake_.create_user(new_domain, "bob");
  ASSERT_TRUE(eventually([&] { return has_work(home(new_volume, new_bob), new_bob); }))
      << daemon_->log();
  EXPECT_EQ(profile("bob")["efs_sys_id"], new_volume);
  EXPECT_EQ(profile("bob")["domain_id"], new_domain);
}

// What a reconcile pass costs: one list page per 100 profiles, and a Describe only for
// profiles whose creation Lifeboat has not seen.
TEST_F(SageMakerDaemonTest, APassCostsAPageAHundredAndDescribesOnlyWhatIsNew) {
  const std::string domain = fake_.create_domain("demo");
  for (int i = 0; i < 120; ++i)
    fake_.call("CreateUserProfile",
               {{"DomainId", domain}, {"UserProfileName", "user" + std::to_string(i)}});
  std::this_thread::sleep_for(std::chrono::seconds(1));  // all InService
  write_config(0);
  std::vector<std::string> seed_args{"--data-dir", tmp_ / "data", "--output", "json",
                                     "seed",       "--config",    config_};
  ProcessResult seeded = run_lifeboat(seed_args, "", fake_.env());
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  EXPECT_EQ(Json::parse(seeded.out)["summary"]["recorded"], 121);
  fake_.control("reset-stats", "{}");
  fake_.call("CreateUserProfile", {{"DomainId", domain}, {"UserProfileName", "newcomer"}});
  std::this_thread::sleep_for(std::chrono::seconds(1));
  fake_.control("reset-stats", "{}");
  ProcessResult pass = run_lifeboat(seed_args, "", fake_.env());
  ASSERT_EQ(pass.exit_code, 0) << pass.err;
  Json calls = fake_.control("stats")["calls"];
  EXPECT_EQ(calls.value("ListDomains", 0), 1) << calls.dump();
  EXPECT_EQ(calls.value("ListUserProfiles", 0), 2) << calls.dump();  // 122 profiles: 2 pages
  EXPECT_EQ(calls.value("ListSpaces", 0), 1) << calls.dump();
  EXPECT_EQ(calls.value("DescribeUserProfile", 0), 1) << calls.dump();  // the newcomer only
  EXPECT_EQ(calls.value("DescribeDomain", 0), 0) << calls.dump();
}

// Errors an administrator can act on: the IAM action that is missing.
TEST_F(SageMakerDaemonTest, MissingPermissionIsNamed) {
  fake_.control("config", R"({"deny": ["ListDomains"]})");
  write_config(0);
  ProcessResult seeded =
      run_lifeboat({"--data-dir", tmp_ / "data", "seed", "--config", config_}, "", fake_.env());
  EXPECT_NE(seeded.exit_code, 0);
  EXPECT_NE(seeded.err.find("sagemaker:ListDomains"), std::string::npos) << seeded.err;
}

// An endpoint that throttles every third call still gets everything done (the client
// backs off and retries).
class ThrottlingSageMakerTest : public SageMakerDaemonTest {
 protected:
  ThrottlingSageMakerTest() : SageMakerDaemonTest({"--throttle-every", "3"}) {}
};

TEST_F(ThrottlingSageMakerTest, SeedSucceedsThroughThrottling) {
  fake_.control("config", R"({"throttleEvery": 0})");
  const std::string domain = fake_.create_domain("demo");
  for (const char* name : {"ann", "ben", "cid", "dee"}) fake_.create_user(domain, name);
  fake_.control("config", R"({"throttleEvery": 3})");
  write_config(0);
  ProcessResult seeded =
      run_lifeboat({"--data-dir", tmp_ / "data", "--output", "json", "seed", "--config", config_},
                   "", fake_.env());
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  EXPECT_EQ(Json::parse(seeded.out)["summary"]["recorded"], 5) << seeded.out;
  EXPECT_GT(fake_.control("stats").value("throttled", 0), 0);
}

}  // namespace
}  // namespace lifeboat::testing

// The SQS intake end to end: the real `lifeboat serve` long-polls the fake SQS
// (tests/fakes/fake_sqs.py, which checks every signature, honours visibility timeouts and
// redelivers). Platform events arrive one per message, as an EventBridge rule with an SQS
// target delivers them: a recreated user is recovered; a message that can never be applied
// is logged with its id and never deleted; a daemon killed with SIGKILL between applying a
// message and deleting it gets it again after a restart, counts it as a duplicate and
// deletes it, with one recovery; two daemons on one PostgreSQL store polling one queue
// apply a message both received once.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aws/testing/fake_sqs.h"
#include "core/json.h"
#include "support/daemon_process.h"
#include "support/platform_events.h"
#include "support/process.h"
#include "testing/postgres_database.h"

namespace lifeboat::testing {
namespace {

using aws::testing::FakeSqs;
using core::Json;
namespace fsys = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SqsDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    volume_ = tmp_ / "volume";
    fsys::create_directories(volume_);
    queue_url_ = fake_.create_queue("events", 30);
  }

  //! A config with the volume and the queue (visibility `visibility` seconds).
  std::string write_config(const std::string& name, int visibility, const std::string& extra = "") {
    const std::string path = tmp_ / name;
    std::ofstream(path) << extra << "[[volumes]]\nid = \"home\"\npath = \"" << volume_ << "\"\n"
                        << "[[intake.sqs]]\nqueue_url = \"" << queue_url_ << "\"\n"
                        << "endpoint_url = \"" << fake_.endpoint() << "\"\n"
                        << "visibility_timeout_seconds = " << visibility << "\n";
    return path;
  }

  std::unique_ptr<DaemonProcess> start(const std::string& config, const std::string& data) {
    return std::make_unique<DaemonProcess>(
        tmp_ / data, std::vector<std::string>{"--config", config}, fake_.env());
  }

  //! user1 of domain demo: created with home 200001 (holding a file), deleted, created
  //! again with home 200003 — one message each, ids m-domain, m-create, m-delete, and
  //! (unless `recreate` is false) m-recreate.
  void send_recreation(bool recreate = true) {
    fsys::create_directories(home("200001"));
    std::ofstream(home("200001/notes.txt")) << "keep me\n";
    ASSERT_EQ(::chown(home("200001").c_str(), 200001, 1001), 0);
    ASSERT_EQ(::chown(home("200001/notes.txt").c_str(), 200001, 1001), 0);
    fsys::create_directories(home("200003"));
    ASSERT_EQ(::chown(home("200003").c_str(), 200003, 1001), 0);
    send("m-domain",
         cloud_event(
             "e1", "CreateDomain",
             {{"domainId", "d-demo"}, {"domainName", "demo"}, {"homeEfsFileSystemId", "home"}}, 0));
    send("m-create",
         cloud_event("e2", "CreateUserProfile",
                     profile_data("demo", "userProfileName", "user1", "200001", 200001), 1));
    send("m-delete",
         cloud_event("e3", "DeleteUserProfile",
                     profile_data("demo", "userProfileName", "user1", "200001", 200001), 2));
    if (recreate) send_recreate();
  }

  void send_recreate() {
    send("m-recreate",
         cloud_event("e4", "CreateUserProfile",
                     profile_data("demo", "userProfileName", "user1", "200003", 200003), 3));
  }

  void send(const std::string& id, const Json& event) { fake_.send("events", event.dump(), id); }

  bool deleted(const std::string& id) {
    return fake_.message("events", id).value("deleted", false);
  }

  //! The top-level executions once none is RUNNING.
  Json finished_executions(DaemonProcess& daemon) {
    Json list;
    eventually([&] {
      list = Json::parse(daemon.request("GET", "/v1/executions").body, nullptr, false);
      if (!list.is_object() || list["executions"].empty()) return false;
      for (const auto& e : list["executions"]) {
        if (e["status"] == "RUNNING") return false;
      }
      return true;
    });
    return list.is_object() ? list["executions"] : Json::array();
  }

  std::string home(const std::string& dir) const { return volume_ + "/" + dir; }

  FakeSqs fake_;
  TempDir tmp_;
  std::string volume_;
  std::string queue_url_;
};

TEST_F(SqsDaemonTest, EventsDeliveredThroughSqsRecoverARecreatedUser) {
  auto daemon = start(write_config("lifeboat.toml", 30), "data");
  send_recreation();
  for (const char* id : {"m-domain", "m-create", "m-delete", "m-recreate"}) {
    ASSERT_TRUE(eventually([&] { return deleted(id); })) << id << "\n" << daemon->log();
    EXPECT_EQ(fake_.message("events", id)["receiveCount"], 1) << id;
  }
  Json executions = finished_executions(*daemon);
  ASSERT_EQ(executions.size(), 1u) << executions.dump() << daemon->log();
  EXPECT_EQ(executions[0]["status"], "SUCCEEDED") << daemon->log();
  EXPECT_EQ(read_file(home("200003/notes.txt")), "keep me\n");
  struct stat st {};
  ASSERT_EQ(::lstat(home("200003/notes.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 200003u);
  EXPECT_TRUE(daemon->wait_for_log("SQS message m-recreate (queue events, receive 1): applied 1"))
      << daemon->log();
  EXPECT_EQ(fake_.stats()["signatureFailures"], 0);
  EXPECT_EQ(daemon->stop(), 0);
}

TEST_F(SqsDaemonTest, AMessageThatCanNeverBeAppliedIsLoggedWithItsIdAndNeverDeleted) {
  auto daemon = start(write_config("lifeboat.toml", 2), "data");
  const std::string secret_looking_body = "not json: AKIDINABODY-do-not-log-me";
  fake_.send("events", secret_looking_body, "poison-1");
  // A CloudEvent that names no id: refused at the door.
  Json no_id = cloud_event("x", "CreateDomain", {{"domainId", "d-x"}}, 0);
  no_id.erase("id");
  fake_.send("events", no_id.dump(), "poison-2");
  send("good-1",
       cloud_event(
           "e1", "CreateDomain",
           {{"domainId", "d-demo"}, {"domainName", "demo"}, {"homeEfsFileSystemId", "home"}}, 0));
  ASSERT_TRUE(eventually([&] { return deleted("good-1"); })) << daemon->log();
  // Each poison message is received again when its visibility ends, logged each time with
  // its id, and never deleted (the queue's redrive policy is what removes it).
  for (const char* id : {"poison-1", "poison-2"}) {
    ASSERT_TRUE(daemon->wait_for_log(std::string("SQS message ") + id, 2)) << daemon->log();
    EXPECT_FALSE(deleted(id)) << id;
    EXPECT_GE(fake_.message("events", id)["receiveCount"].get<int>(), 2) << id;
  }
  EXPECT_NE(daemon->log().find("can never be applied"), std::string::npos) << daemon->log();
  EXPECT_EQ(daemon->log().find("AKIDINABODY"), std::string::npos) << "a body was logged";
  EXPECT_EQ(daemon->stop(), 0);
  EXPECT_FALSE(deleted("poison-1"));
  EXPECT_FALSE(deleted("poison-2"));
}

// SIGKILL after the recreation was applied (committed) and before its message was deleted:
// the restarted daemon receives it again, counts it as a duplicate, deletes it, and the
// home is recovered once.
TEST_F(SqsDaemonTest, KilledBetweenApplyAndDeleteTheRedeliveryIsADuplicate) {
  const std::string config = write_config("lifeboat.toml", 3);
  auto daemon = start(config, "data");
  fake_.fail_delete({"m-recreate"});
  send_recreation();
  // The daemon asked to delete it: what it caused is committed.
  ASSERT_TRUE(eventually([&] {
    return fake_.message("events", "m-recreate").value("refusedDeletes", 0) >= 1;
  })) << daemon->log();
  daemon->kill_hard();
  EXPECT_FALSE(deleted("m-recreate"));
  fake_.fail_delete({});

  auto restarted = start(config, "data");
  ASSERT_TRUE(eventually([&] { return deleted("m-recreate"); })) << restarted->log();
  EXPECT_EQ(fake_.message("events", "m-recreate")["receiveCount"], 2);
  EXPECT_TRUE(restarted->wait_for_log(
      "SQS message m-recreate (queue events, receive 2): duplicate 1; deleted from the queue"))
      << restarted->log();
  Json executions = finished_executions(*restarted);
  ASSERT_TRUE(restarted->wait_dispatched()) << restarted->log();
  executions = finished_executions(*restarted);
  ASSERT_EQ(executions.size(), 1u) << executions.dump() << restarted->log();
  EXPECT_EQ(executions[0]["status"], "SUCCEEDED") << restarted->log();
  EXPECT_EQ(read_file(home("200003/notes.txt")), "keep me\n");
  EXPECT_EQ(restarted->stop(), 0);
}

// Two daemons on one PostgreSQL store poll one queue. The recreation's message cannot be
// deleted for a while, so its visibility runs out and it is received again — until both
// daemons have received it. It still starts one recovery.
TEST_F(SqsDaemonTest, TwoDaemonsOnOneStoreApplyAMessageBothReceivedOnce) {
  PostgresDatabase db;
  const std::string token_file = tmp_ / "api-token";
  { std::ofstream(token_file) << "0123456789abcdef0123456789abcdef\n"; }
  ASSERT_EQ(::chmod(token_file.c_str(), 0600), 0);
  std::unique_ptr<DaemonProcess> daemons[2];
  for (int n = 0; n < 2; ++n) {
    const std::string config = write_config("node-" + std::to_string(n) + ".toml", 2,
                                            "[cluster]\nnode_id = \"node-" + std::to_string(n) +
                                                "\"\nlease_seconds = 3\npoll_milliseconds = 100\n");
    daemons[n] = std::make_unique<DaemonProcess>(
        tmp_ / ("data-" + std::to_string(n)),
        std::vector<std::string>{"--config", config, "--token-file", token_file}, fake_.env(),
        DaemonStart{.global_args = {"--store", db.url()}});
  }
  auto logs = [&] { return daemons[0]->log() + "\n---\n" + daemons[1]->log(); };
  // The events before the recreation first: two daemons may apply messages out of order.
  send_recreation(/*recreate=*/false);
  for (const char* id : {"m-domain", "m-create", "m-delete"}) {
    ASSERT_TRUE(eventually([&] { return deleted(id); })) << id << "\n" << logs();
  }
  fake_.fail_delete({"m-recreate"});
  send_recreate();
  const std::string seen = "SQS message m-recreate";
  ASSERT_TRUE(eventually(
      [&] { return daemons[0]->log_count(seen) >= 1 && daemons[1]->log_count(seen) >= 1; },
      std::chrono::seconds(240)))
      << logs();
  fake_.fail_delete({});
  ASSERT_TRUE(eventually([&] { return deleted("m-recreate"); }, std::chrono::seconds(120)))
      << logs();
  EXPECT_GE(fake_.message("events", "m-recreate")["receiveCount"].get<int>(), 2);
  EXPECT_NE(logs().find("duplicate 1"), std::string::npos) << logs();
  Json executions = finished_executions(*daemons[0]);
  ASSERT_EQ(executions.size(), 1u) << executions.dump() << logs();
  EXPECT_EQ(executions[0]["status"], "SUCCEEDED") << logs();
  EXPECT_EQ(read_file(home("200003/notes.txt")), "keep me\n");
  for (auto& d : daemons) EXPECT_EQ(d->stop(), 0);
}

}  // namespace
}  // namespace lifeboat::testing

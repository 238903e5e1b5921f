// Three daemons on one PostgreSQL store, as three hosts would run them: 200 profile
// recreations arrive at all three; one daemon is killed with SIGKILL in the middle of the
// copies and another is paused (SIGSTOP) past its leases and then resumed. Every
// recreation must end in exactly one SUCCEEDED recovery with one transfer record and a
// complete new home, and no step may be committed under a lease older than one the
// execution's history has already seen (docs/architecture.md, "Many hosts: leases").
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/json.h"
#include "store/open_store.h"
#include "store/sql_execution_store.h"
#include "support/daemon_process.h"
#include "support/platform_events.h"
#include "support/process.h"
#include "testing/postgres_database.h"
#include "testing/temp_dir.h"

namespace lifeboat::testing {
namespace {

using core::Json;
namespace fsys = std::filesystem;

constexpr int kProfiles = 200;
constexpr int kDaemons = 3;
constexpr int kLeaseSeconds = 3;

std::string old_home(int i) { return std::to_string(300000 + i); }
std::string new_home(int i) { return std::to_string(500000 + i); }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ManyHostsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    volume_ = tmp_ / "volume";
    fsys::create_directories(volume_);
    token_file_ = tmp_ / "api-token";
    { std::ofstream(token_file_) << "0123456789abcdef0123456789abcdef\n"; }
    ASSERT_EQ(::chmod(token_file_.c_str(), 0600), 0);
    // Each old home holds a few files; each new home exists already, owned by its user.
    for (int i = 0; i < kProfiles; ++i) {
      const std::string dir = volume_ + "/" + old_home(i);
      fsys::create_directories(dir + "/work");
      for (int f = 0; f < 4; ++f) {
        std::ofstream(dir + "/work/file-" + std::to_string(f) + ".bin")
            << std::string(32 * 1024, static_cast<char>('a' + (i + f) % 26)) << i;
      }
      std::ofstream(dir + "/notes.txt") << "profile " << i << "\n";
      // Owned by the profile's user, as the platform leaves them.
      const auto uid = static_cast<uid_t>(300000 + i);
      ASSERT_EQ(::chown(dir.c_str(), uid, 1001), 0);
      for (const auto& entry : fsys::recursive_directory_iterator(dir)) {
        ASSERT_EQ(::lchown(entry.path().c_str(), uid, 1001), 0) << entry.path();
      }
      const std::string fresh = volume_ + "/" + new_home(i);
      fsys::create_directories(fresh);
      ASSERT_EQ(::chown(fresh.c_str(), 500000 + i, 1001), 0);
    }
  }

  // Starts daemon `n` (node-n) on the shared store.
  void start(int n) {
    const std::string config = tmp_ / ("node-" + std::to_string(n) + ".toml");
    std::ofstream(config) << "token_file = \"" << token_file_ << "\"\n"
                          << "workers = 4\nper_volume_concurrency = 6\n"
                          << "[transfer]\nbwlimit = 2000000\n"  // copies take a while
                          << "[cluster]\nnode_id = \"node-" << n << "\"\n"
                          << "lease_seconds = " << kLeaseSeconds << "\npoll_milliseconds = 100\n"
                          << "[[volumes]]\nid = \"home\"\npath = \"" << volume_ << "\"\n";
    daemons_[n] = std::make_unique<DaemonProcess>(
        tmp_ / ("data-" + std::to_string(n)),
        std::vector<std::string>{"--config", config, "--token-file", token_file_},
        std::vector<std::string>{}, DaemonStart{.global_args = {"--store", db_.url()}});
  }

  std::vector<store::ExecutionRecord> executions(store::ExecutionStore& s) {
    store::ExecutionFilter f;
    f.limit = 100000;
    auto list = s.list_executions(f);
    EXPECT_TRUE(list.is_ok()) << list.status().to_string();
    return list.is_ok() ? *list : std::vector<store::ExecutionRecord>{};
  }
  int succeeded(store::ExecutionStore& s) {
    int n = 0;
    for (const auto& e : executions(s)) n += e.status == store::ExecutionStatus::kSucceeded;
    return n;
  }
  std::string logs() {
    std::string all;
    for (int n = 0; n < kDaemons; ++n) {
      if (daemons_[n]) all += "--- node-" + std::to_string(n) + "\n" + daemons_[n]->log();
    }
    return all;
  }

  TempDir tmp_;
  PostgresDatabase db_;
  std::string volume_;
  std::string token_file_;
  std::unique_ptr<DaemonProcess> daemons_[kDaemons];
};

TEST_F(ManyHostsTest, EveryRecreationRecoversOnceThroughAKillAndAPause) {
  for (int n = 0; n < kDaemons; ++n) start(n);
  auto opened = store::open_store(db_.url());
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  store::SqlExecutionStore executions_store(**opened);

  // The recreations arrive at all three daemons, twenty profiles per request.
  for (int first = 0; first < kProfiles; first += 20) {
    Json batch = Json::array();
    for (int i = first; i < first + 20; ++i) {
      for (auto& e : recreate_user("user" + std::to_string(i), old_home(i), new_home(i), 0))
        batch.push_back(e);
    }
    auto r = daemons_[(first / 20) % kDaemons]->request("POST", "/v1/events", batch.dump());
    ASSERT_EQ(r.status, 200) << r.body << logs();
  }

  // In the middle of the copies: node-0 dies outright; node-1 stalls past its leases.
  ASSERT_TRUE(
      eventually([&] { return succeeded(executions_store) >= 30; }, std::chrono::seconds(180)))
      << logs();
  daemons_[0]->kill_hard();
  ASSERT_EQ(::kill(daemons_[1]->pid(), SIGSTOP), 0);
  std::this_thread::sleep_for(std::chrono::seconds(kLeaseSeconds + 2));
  ASSERT_EQ(::kill(daemons_[1]->pid(), SIGCONT), 0);

  ASSERT_TRUE(eventually([&] { return succeeded(executions_store) >= kProfiles; },
                         std::chrono::seconds(420)))
      << "succeeded: " << succeeded(executions_store) << "\n"
      << logs();

  // Exactly one recovery per recreation, all SUCCEEDED.
  auto all = executions(executions_store);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kProfiles)) << logs();
  for (const auto& e : all) {
    EXPECT_EQ(e.status, store::ExecutionStatus::kSucceeded) << e.id << " " << e.cause.value_or("");
  }
  // One transfer record per recovery.
  std::vector<store::TransferRecord> transfers;
  ASSERT_TRUE((*opened)
                  ->read([&](store::StoreTransaction& t) -> core::Status {
                    LIFEBOAT_ASSIGN_OR_RETURN(transfers, t.list_transfers(100000));
                    return core::Status::ok();
                  })
                  .is_ok());
  std::set<std::string> transferred;
  for (const auto& t : transfers) {
    EXPECT_TRUE(transferred.insert(t.result.execution_id).second)
        << "two records for " << t.result.execution_id;
  }
  EXPECT_EQ(transferred.size(), static_cast<std::size_t>(kProfiles));

  // Fencing: along each execution's history the lease token never goes back, so nothing
  // was committed under a lease that had been taken over. The kill and the pause did
  // take work over: some histories were written by two nodes.
  int taken_over = 0;
  for (const auto& e : all) {
    auto events = executions_store.list_events(e.id);
    ASSERT_TRUE(events.is_ok());
    std::int64_t last_token = 0;
    std::set<std::string> nodes;
    for (const auto& ev : *events) {
      if (ev.lease_owner.empty()) continue;  // ExecutionStarted: written by the dispatcher
      EXPECT_GE(ev.lease_token, last_token)
          << "execution " << e.id << ": event " << ev.id << " (" << ev.type << ") committed by "
          << ev.lease_owner << " under token " << ev.lease_token << " after token " << last_token;
      last_token = std::max(last_token, ev.lease_token);
      nodes.insert(ev.lease_owner);
    }
    taken_over += nodes.size() > 1;
  }
  EXPECT_GT(taken_over, 0) << "no execution changed hands: the kill and the pause hit nothing";

  // Every new home is complete: each file of the old home, same content, new owner.
  for (int i = 0; i < kProfiles; ++i) {
    const std::string from = volume_ + "/" + old_home(i);
    const std::string to = volume_ + "/" + new_home(i);
    for (const auto& entry : fsys::recursive_directory_iterator(from)) {
      if (!entry.is_regular_file()) continue;
      const std::string rel = fsys::relative(entry.path(), from);
      ASSERT_TRUE(fsys::exists(to + "/" + rel)) << to << "/" << rel;
      EXPECT_EQ(read_file(to + "/" + rel), read_file(entry.path())) << to << "/" << rel;
      struct stat st {};
      ASSERT_EQ(::lstat((to + "/" + rel).c_str(), &st), 0);
      EXPECT_EQ(st.st_uid, static_cast<uid_t>(500000 + i)) << to << "/" << rel;
    }
  }
  EXPECT_EQ(daemons_[1]->stop(), 0);
  EXPECT_EQ(daemons_[2]->stop(), 0);
}

// The change stream has one dispatcher at a time; when it dies, another daemon takes the
// dispatcher lease over and recoveries are started again, for events posted to any daemon.
TEST_F(ManyHostsTest, TheDispatcherFailsOverWhenItsDaemonDies) {
  start(0);
  ASSERT_TRUE(daemons_[0]->wait_for_log("now dispatches the change stream")) << logs();
  start(1);
  auto opened = store::open_store(db_.url());
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  store::SqlExecutionStore executions_store(**opened);
  // Posted to the follower: the leader (node-0) starts the recovery.
  auto r = daemons_[1]->request("POST", "/v1/events",
                                recreate_user("user0", old_home(0), new_home(0), 0).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(
      eventually([&] { return succeeded(executions_store) == 1; }, std::chrono::seconds(60)))
      << logs();
  EXPECT_EQ(daemons_[1]->log_count("now dispatches the change stream"), 0) << logs();
  daemons_[0]->kill_hard();
  ASSERT_TRUE(daemons_[1]->wait_for_log("now dispatches the change stream")) << logs();
  r = daemons_[1]->request("POST", "/v1/events",
                           recreate_user("user1", old_home(1), new_home(1), 0).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(
      eventually([&] { return succeeded(executions_store) == 2; }, std::chrono::seconds(60)))
      << logs();
  EXPECT_EQ(executions(executions_store).size(), 2u);
  EXPECT_EQ(read_file(volume_ + "/" + new_home(1) + "/notes.txt"), "profile 1\n");
  EXPECT_EQ(daemons_[1]->stop(), 0);
}

}  // namespace
}  // namespace lifeboat::testing

// The daemon's worker pool end to end: recoveries waiting for a home that never appears
// hold neither a worker nor a per-volume copy slot, so other recoveries go on.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
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

class DaemonAwaitTest : public DaemonFixture {
 protected:
  void SetUp() override {
    DaemonFixture::SetUp();
    token_file_ = tmp_ / "token";
    std::ofstream(token_file_) << "await-test-token\n";
    ASSERT_EQ(::chmod(token_file_.c_str(), 0600), 0);
  }

  HttpResult call(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return daemon_->request(method, path, body, {"Authorization: Bearer await-test-token"});
  }

  // Executions by profile name (from their input), e.g. {"alice": "RUNNING"}.
  std::map<std::string, std::string> statuses() {
    std::map<std::string, std::string> out;
    Json list = Json::parse(call("GET", "/v1/executions").body, nullptr, false);
    if (!list.is_object() || !list.contains("executions")) return out;
    for (const auto& e : list["executions"]) {
      if (e.contains("parentId")) continue;
      out[e["input"].value("profileName", "?")] = e["status"].get<std::string>();
    }
    return out;
  }

  // Polls (real time, generously) until `pred(statuses())` holds.
  template <typename Pred>
  bool eventually(Pred pred, int seconds = 120) {
    for (int i = 0; i < seconds * 10; ++i) {
      if (pred(statuses())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return pred(statuses());
  }

  std::string home(const std::string& dir) const { return volume_ + "/" + dir; }

  std::string token_file_;
};

// One worker and one copy slot: two recoveries whose new homes never appear wait (the
// shipped workflow awaits a home for up to 30 days), and a third, whose home exists, still
// completes while they wait.
TEST_F(DaemonAwaitTest, WaitingRecoveriesDoNotStarveOthers) {
  daemon_ = std::make_unique<DaemonProcess>(
      tmp_ / "data", std::vector<std::string>{"--config", config_, "--token-file", token_file_,
                                              "--workers", "1", "--per-volume-concurrency", "1"});
  Json first = recreate_user("ann", "810001", "810002", 0);
  Json second = recreate_user("ben", "820001", "820002", 10);
  for (const auto& e : second) first.push_back(e);
  auto posted = call("POST", "/v1/events", first.dump());
  ASSERT_EQ(posted.status, 200) << posted.body << "\n" << daemon_->log();
  ASSERT_TRUE(eventually([](const auto& s) {
    return s.size() == 2 && s.at("ann") == "RUNNING" && s.at("ben") == "RUNNING";
  })) << daemon_->log();

  fsys::create_directories(home("830001"));
  std::ofstream(home("830001/kept.txt")) << "carol's work\n";
  ASSERT_EQ(::chown(home("830001/kept.txt").c_str(), 830001, 1001), 0);
  fsys::create_directories(home("830002"));  // the platform made this home already
  ASSERT_EQ(::chown(home("830002").c_str(), 830002, 1001), 0);
  posted = call("POST", "/v1/events", recreate_user("cat", "830001", "830002", 20).dump());
  ASSERT_EQ(posted.status, 200) << posted.body;
  ASSERT_TRUE(eventually([](const auto& s) { return s.count("cat") && s.at("cat") != "RUNNING"; }))
      << daemon_->log();
  auto s = statuses();
  EXPECT_EQ(s["cat"], "SUCCEEDED") << daemon_->log();
  EXPECT_EQ(s["ann"], "RUNNING");
  EXPECT_EQ(s["ben"], "RUNNING");
  std::ifstream copied(home("830002/kept.txt"));
  std::string text;
  std::getline(copied, text);
  EXPECT_EQ(text, "carol's work");
  // Waiting recoveries hold nothing that keeps the daemon from stopping at once.
  EXPECT_EQ(daemon_->stop(), 0);
}

// At scale: a thousand recoveries waiting for homes that do not exist yet (users who have
// not logged in since their profiles were recreated) hold no worker, so the next one, whose
// home exists, still runs to the end on a daemon with two workers.
TEST_F(DaemonAwaitTest, AThousandWaitingRecoveriesDoNotStopTheNextOne) {
  daemon_ = std::make_unique<DaemonProcess>(
      tmp_ / "data", std::vector<std::string>{"--config", config_, "--token-file", token_file_,
                                              "--workers", "2", "--per-volume-concurrency", "1"});
  constexpr int kWaiting = 1000;
  constexpr int kPerRequest = 100;
  for (int first = 0; first < kWaiting; first += kPerRequest) {
    Json batch = Json::array();
    for (int i = first; i < first + kPerRequest; ++i) {
      for (const auto& e : recreate_user("w" + std::to_string(i), std::to_string(900000 + i),
                                         std::to_string(950000 + i), 0))
        batch.push_back(e);
    }
    auto posted = call("POST", "/v1/events", batch.dump());
    ASSERT_EQ(posted.status, 200) << posted.body << "\n" << daemon_->log();
  }
  auto running = [&] {
    // One page of the most the API answers (1,000): exactly the waiting ones.
    Json list =
        Json::parse(call("GET", "/v1/executions?status=RUNNING&limit=1000").body, nullptr, false);
    return list.is_object() && list.contains("executions") ? list["executions"].size() : 0u;
  };
  for (int i = 0; i < 3000 && running() < kWaiting; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(running(), static_cast<std::size_t>(kWaiting)) << daemon_->log();

  fsys::create_directories(home("840001"));
  std::ofstream(home("840001/kept.txt")) << "dan's work\n";
  ASSERT_EQ(::chown(home("840001/kept.txt").c_str(), 840001, 1001), 0);
  fsys::create_directories(home("840002"));
  ASSERT_EQ(::chown(home("840002").c_str(), 840002, 1001), 0);
  auto posted = call("POST", "/v1/events", recreate_user("dan", "840001", "840002", 20).dump());
  ASSERT_EQ(posted.status, 200) << posted.body;
  ASSERT_TRUE(eventually([](const auto& s) { return s.count("dan") && s.at("dan") != "RUNNING"; }))
      << daemon_->log();
  EXPECT_EQ(statuses()["dan"], "SUCCEEDED") << daemon_->log();
  std::ifstream copied(home("840002/kept.txt"));
  std::string text;
  std::getline(copied, text);
  EXPECT_EQ(text, "dan's work");
  EXPECT_EQ(running(), static_cast<std::size_t>(kWaiting)) << "the waiting ones still wait";
  EXPECT_EQ(daemon_->stop(), 0);
}

}  // namespace
}  // namespace lifeboat::testing

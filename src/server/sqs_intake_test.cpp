// The SQS intake's poller against the fake SQS (tests/fakes/fake_sqs.py): what is deleted
// when, what is left for the redrive policy, visibility extension, and stopping.
#include "server/sqs_intake.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "aws/environment.h"
#include "aws/testing/fake_sqs.h"
#include "testing/eventually.h"

namespace lifeboat::server {
namespace {

using aws::testing::FakeSqs;
using testing::eventually;

std::vector<IntakeItem> outcome(const std::string& name) {
  IntakeItem item;
  item.id = "e-1";
  item.outcome = name;
  return {item};
}

class SqsIntakeTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqsQueue> open_queue(const std::string& url) {
    SqsQueueSettings settings;
    settings.queue_url = url;
    settings.endpoint_url = fake_.endpoint();
    auto queue = SqsQueue::open(
        settings, aws::map_environment({{"AWS_ACCESS_KEY_ID", FakeSqs::kAccessKey},
                                        {"AWS_SECRET_ACCESS_KEY", FakeSqs::kSecretKey},
                                        {"AWS_REGION", "us-east-1"},
                                        {"AWS_EC2_METADATA_DISABLED", "true"},
                                        {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                                        {"AWS_CONFIG_FILE", "/nonexistent"}}));
    EXPECT_TRUE(queue.is_ok()) << queue.status().to_string();
    return std::move(queue).value();
  }

  SqsIntake::Options options(std::int64_t visibility = 30, int wait = 1) {
    SqsIntake::Options o;
    o.visibility_timeout_seconds = visibility;
    o.wait_seconds = wait;
    return o;
  }

  FakeSqs fake_;
};

TEST_F(SqsIntakeTest, QueueUrlHostIsTheEndpointWhenNoneIsConfigured) {
  SqsQueueSettings settings;
  settings.queue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/events";
  auto queue = SqsQueue::open(settings,
                              aws::map_environment({{"AWS_EC2_METADATA_DISABLED", "true"},
                                                    {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                                                    {"AWS_CONFIG_FILE", "/nonexistent"}}));
  ASSERT_TRUE(queue.is_ok()) << queue.status().to_string();
  EXPECT_EQ((*queue)->endpoint(), "https://sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ((*queue)->region(), "eu-west-1");
  EXPECT_EQ((*queue)->name(), "events");
  // AWS_ENDPOINT_URL_SQS wins over the queue URL's host.
  auto local = SqsQueue::open(settings,
                              aws::map_environment({{"AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9"},
                                                    {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                                                    {"AWS_CONFIG_FILE", "/nonexistent"}}));
  ASSERT_TRUE(local.is_ok()) << local.status().to_string();
  EXPECT_EQ((*local)->endpoint(), "http://127.0.0.1:9");
}

TEST_F(SqsIntakeTest, DeletesOnlyAfterSubmitReturnedAndDuplicatesToo) {
  const std::string url = fake_.create_queue("events");
  const std::string id = fake_.send("events", R"({"id":"e-1"})");
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> submitted{0};
  std::string body_seen;
  SqsIntake intake(
      open_queue(url), options(),
      [&](std::string_view body) -> core::Result<std::vector<IntakeItem>> {
        std::unique_lock lock(mu);
        body_seen = std::string(body);
        ++submitted;
        cv.wait(lock, [&] { return release; });
        return outcome("duplicate");
      },
      nullptr);
  intake.start();
  ASSERT_TRUE(eventually([&] { return submitted.load() == 1; }));
  // Applying: received, not deleted.
  EXPECT_EQ(fake_.message("events", id)["deleted"], false);
  EXPECT_EQ(fake_.message("events", id)["receiveCount"], 1);
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(eventually([&] { return fake_.message("events", id)["deleted"] == true; }));
  intake.stop();
  EXPECT_EQ(body_seen, R"({"id":"e-1"})");
  EXPECT_EQ(fake_.stats()["signatureFailures"], 0);
}

TEST_F(SqsIntakeTest, AMessageThatCanNeverBeAppliedIsLeftForTheRedrivePolicy) {
  const std::string url = fake_.create_queue("events", 2);
  const std::string id = fake_.send("events", "not json");
  int calls = 0;
  SqsIntake intake(
      open_queue(url), options(2, 5),
      [&](std::string_view) -> core::Result<std::vector<IntakeItem>> {
        ++calls;
        return core::Status::invalid_argument("the request body is not JSON");
      },
      nullptr);
  ASSERT_TRUE(intake.poll_once().is_ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(fake_.message("events", id)["deleted"], false);
  // It comes back when its visibility timeout ends, and is still not deleted.
  ASSERT_TRUE(intake.poll_once().is_ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(fake_.message("events", id)["receiveCount"], 2);
  EXPECT_EQ(fake_.message("events", id)["deleted"], false);
  EXPECT_EQ(fake_.stats()["calls"].value("DeleteMessage", 0), 0);
}

TEST_F(SqsIntakeTest, APoisonMessageMovesToTheDeadLetterQueueAfterMaxReceiveCount) {
  fake_.create_queue("dlq");
  const std::string url = fake_.create_queue("events", 2, "dlq", 2);
  const std::string id = fake_.send("events", "{}");
  SqsIntake intake(
      open_queue(url), options(2, 3),
      [&](std::string_view) -> core::Result<std::vector<IntakeItem>> {
        return core::Status::invalid_argument("event: no 'id'");
      },
      nullptr);
  ASSERT_TRUE(eventually([&] {
    EXPECT_TRUE(intake.poll_once().is_ok());
    return fake_.stats()["movedToDeadLetter"] == 1;
  }));
  EXPECT_EQ(fake_.message("dlq", id)["deleted"], false);
}

TEST_F(SqsIntakeTest, ATransientFailureLeavesTheMessageToComeBack) {
  const std::string url = fake_.create_queue("events", 2);
  const std::string id = fake_.send("events", "{}");
  int calls = 0;
  SqsIntake intake(
      open_queue(url), options(2, 5),
      [&](std::string_view) -> core::Result<std::vector<IntakeItem>> {
        if (++calls == 1) return core::Status::unavailable("the store could not be reached");
        return outcome("applied");
      },
      nullptr);
  ASSERT_TRUE(intake.poll_once().is_ok());
  EXPECT_EQ(fake_.message("events", id)["deleted"], false);
  ASSERT_TRUE(intake.poll_once().is_ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(fake_.message("events", id)["receiveCount"], 2);
  EXPECT_EQ(fake_.message("events", id)["deleted"], true);
}

TEST_F(SqsIntakeTest, ABodyLargerThanTheLimitIsNeverSubmitted) {
  const std::string url = fake_.create_queue("events");
  const std::string id = fake_.send("events", std::string(200, 'x'));
  int calls = 0;
  SqsIntake::Options o = options();
  o.max_body_bytes = 100;
  SqsIntake intake(
      open_queue(url), o,
      [&](std::string_view) -> core::Result<std::vector<IntakeItem>> {
        ++calls;
        return outcome("applied");
      },
      nullptr);
  ASSERT_TRUE(intake.poll_once().is_ok());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(fake_.message("events", id)["receiveCount"], 1);
  EXPECT_EQ(fake_.message("events", id)["deleted"], false);
}

// Applying takes longer than the visibility timeout: the message is kept invisible (no
// second delivery) and deleted once, with the one receive.
TEST_F(SqsIntakeTest, VisibilityIsExtendedWhileAMessageIsBeingApplied) {
  const std::string url = fake_.create_queue("events", 2);
  const std::string first = fake_.send("events", "{}");
  const std::string second = fake_.send("events", "{}");
  SqsIntake::Options o = options(2, 1);
  o.max_messages = 10;
  bool extended = false;
  bool applied_once = false;
  SqsIntake intake(
      open_queue(url), o,
      [&](std::string_view) -> core::Result<std::vector<IntakeItem>> {
        if (!applied_once) {
          applied_once = true;
          // Two extensions mean the first message outlived two half-timeouts (and the
          // second, waiting in the same batch, was kept invisible as well).
          extended = eventually([&] { return fake_.stats()["visibilityChanges"] >= 4; });
        }
        return outcome("applied");
      },
      nullptr);
  intake.start();
  EXPECT_TRUE(eventually([&] {
    return fake_.message("events", first)["deleted"] == true &&
           fake_.message("events", second)["deleted"] == true;
  }));
  intake.stop();
  EXPECT_TRUE(extended);
  EXPECT_EQ(fake_.message("events", first)["receiveCount"], 1);
  EXPECT_EQ(fake_.message("events", second)["receiveCount"], 1);
  EXPECT_EQ(fake_.stats()["delivered"], 2);
}

TEST_F(SqsIntakeTest, StopEndsALongPollWithoutWaitingForIt) {
  const std::string url = fake_.create_queue("events");
  SqsIntake intake(
      open_queue(url), options(30, 20),
      [&](std::string_view) -> core::Result<std::vector<IntakeItem>> { return outcome("applied"); },
      nullptr);
  intake.start();
  ASSERT_TRUE(eventually([&] { return fake_.stats()["calls"].value("ReceiveMessage", 0) >= 1; }));
  const auto before = std::chrono::steady_clock::now();
  intake.stop();
  // The poll in progress would have lasted 20 s; a cancelled one ends within about 1 s.
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(10));
}

TEST_F(SqsIntakeTest, FailedReceivesAreRetriedAndNamed) {
  const std::string url = fake_.create_queue("events");
  fake_.deny({"ReceiveMessage"});
  SqsIntake intake(
      open_queue(url), options(),
      [&](std::string_view) -> core::Result<std::vector<IntakeItem>> { return outcome("applied"); },
      nullptr);
  core::Status st = intake.poll_once();
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.code(), core::StatusCode::kPermissionDenied);
  EXPECT_NE(st.message().find("sqs:ReceiveMessage"), std::string::npos) << st.message();
}

// What reaches a log line from a queue: no control characters (a forged log line), bounded.
TEST(Loggable, ReplacesControlCharactersAndCaps) {
  EXPECT_EQ(loggable("id-1\nFAKE LOG LINE\x1b[31m"), "id-1?FAKE LOG LINE?[31m");
  EXPECT_EQ(loggable(std::string(200, 'a')), std::string(128, 'a') + "...");
  EXPECT_EQ(loggable("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace lifeboat::server

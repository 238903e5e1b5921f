// Test helper: the fake SQS (tests/fakes/fake_sqs.py) for the length of a test — started
// with its own credentials and queues, its control API (send a message, read what was
// received and deleted, deny operations, fail a DeleteMessage) and the environment a
// client or a `lifeboat` process needs to reach it. Header-only for the reason given in
// fake_process.h. Not thread safe: one test thread owns it.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aws/http_transport.h"
#include "aws/testing/fake_process.h"
#include "core/json.h"

namespace lifeboat::aws::testing {

class FakeSqs {
 public:
  static constexpr const char* kAccessKey = "AKIDLIFEBOATSQSTEST";
  static constexpr const char* kSecretKey = "lifeboat-fake-sqs-secret";

  //! `extra` flags go to fake_sqs.py (e.g. "--deny", "ReceiveMessage"); the fake accepts
  //! `access_key` and `secret_key` (env() names them).
  explicit FakeSqs(const std::vector<std::string>& extra = {}, std::string access_key = kAccessKey,
                   std::string secret_key = kSecretKey)
      : access_key_(std::move(access_key)), secret_key_(std::move(secret_key)) {
    std::vector<std::string> args{"--access-key", access_key_, "--secret-key", secret_key_};
    args.insert(args.end(), extra.begin(), extra.end());
    process_ = std::make_unique<FakeProcess>("fake_sqs.py", args);
  }

  std::string endpoint() const { return process_->url(); }

  //! Creates a queue (visibility timeout in seconds; with a dead-letter queue after
  //! `max_receive_count` receives when `dead_letter` is set); returns its URL.
  std::string create_queue(const std::string& name, int visibility_seconds = 30,
                           const std::string& dead_letter = "", int max_receive_count = 3) {
    core::Json request{{"name", name}, {"visibilityTimeout", visibility_seconds}};
    if (!dead_letter.empty()) {
      request["redrive"] = {{"deadLetterQueue", dead_letter},
                            {"maxReceiveCount", max_receive_count}};
    }
    return control("create-queue", request).value("QueueUrl", "");
  }

  //! Puts a message on `queue`; returns its MessageId (`id` when given).
  std::string send(const std::string& queue, const std::string& body, const std::string& id = "") {
    core::Json request{{"queue", queue}, {"body", body}};
    if (!id.empty()) request["messageId"] = id;
    return control("send", request).value("MessageId", "");
  }

  //! The fake's view of `queue`'s messages: [{id, receiveCount, deleted, inFlight,
  //! refusedDeletes}] in send order.
  core::Json messages(const std::string& queue) {
    return control("state")["queues"][queue]["messages"];
  }
  //! The message `id` of `queue` (null when absent).
  core::Json message(const std::string& queue, const std::string& id) {
    for (const auto& m : messages(queue)) {
      if (m.value("id", "") == id) return m;
    }
    return nullptr;
  }
  //! Counters: calls per operation, errors per code, delivered, deleted, staleDeletes,
  //! visibilityChanges, signatureFailures, movedToDeadLetter.
  core::Json stats() { return control("stats"); }
  //! Operations answered with AccessDeniedException from now on.
  void deny(const std::vector<std::string>& operations) {
    control("config", {{"deny", operations}});
  }
  //! Message ids whose DeleteMessage fails (500) from now on.
  void fail_delete(const std::vector<std::string>& ids) {
    control("config", {{"failDelete", ids}});
  }

  //! AWS_* variables that point a process at the fake ("K=V"), never a developer's own
  //! AWS configuration.
  std::vector<std::string> env() const {
    return {"AWS_ACCESS_KEY_ID=" + access_key_,
            "AWS_SECRET_ACCESS_KEY=" + secret_key_,
            "AWS_REGION=us-east-1",
            "AWS_EC2_METADATA_DISABLED=true",
            "AWS_SHARED_CREDENTIALS_FILE=/nonexistent",
            "AWS_CONFIG_FILE=/nonexistent"};
  }

  //! A control-API call (GET when `body` is null); throws when it fails.
  core::Json control(const std::string& path, const core::Json& body = nullptr) {
    HttpRequest request;
    request.method = body.is_null() ? "GET" : "POST";
    request.url = endpoint() + "/_fake/" + path;
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers = {{"Content-Type", "application/json"}};
    }
    auto response = http_.send(request);
    if (!response.is_ok() || response->status != 200) {
      throw std::runtime_error("fake_sqs control " + path + " failed: " +
                               (response.is_ok() ? response->body : response.status().message()));
    }
    return core::Json::parse(response->body);
  }

 private:
  std::string access_key_;
  std::string secret_key_;
  std::unique_ptr<FakeProcess> process_;
  CurlTransport http_;
};

}  // namespace lifeboat::aws::testing

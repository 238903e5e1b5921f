// SqsQueue: the four SQS calls Lifeboat makes on one queue (ReceiveMessage, DeleteMessage,
// ChangeMessageVisibility, GetQueueAttributes), typed, over the AWS JSON 1.0 client.
// Credentials, signing and retries are the client's (aws/json_service_client.h); calls go
// to the configured endpoint, else AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL / the profile's,
// else the queue URL's scheme://host (where AWS's SDKs send JSON-protocol SQS calls).
//
// Thread safety: every call may come from any thread at once; cancel() makes calls in
// progress and to come return Cancelled.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aws/environment.h"
#include "aws/json_service_client.h"
#include "core/result.h"
#include "server/sqs_queue_settings.h"

namespace lifeboat::server {

struct SqsMessage {
  std::string message_id;
  std::string receipt_handle;
  std::string body;
  std::int64_t receive_count = 0;  //!< ApproximateReceiveCount; 0 when not given
};

class SqsQueue {
 public:
  //! Resolves region, endpoint and credentials (nothing is called yet). Errors name the
  //! queue and what was missing (no region anywhere, a bad endpoint). `max_attempts` > 0
  //! replaces the client's default number of attempts per call (the doctor wants a quick
  //! answer).
  static core::Result<std::unique_ptr<SqsQueue>> open(
      const SqsQueueSettings& settings, aws::Environment env = aws::process_environment(),
      int max_attempts = 0);

  //! ReceiveMessage: up to `max_messages`, waiting up to `wait_seconds` (long poll) for the
  //! first, each kept invisible to others for `visibility_seconds`. A message that lacks
  //! an id, a receipt handle or a body is dropped from the answer and counted in
  //! `malformed` (when given): Lifeboat cannot act on it or delete it.
  core::Result<std::vector<SqsMessage>> receive(int max_messages, int wait_seconds,
                                                std::int64_t visibility_seconds,
                                                int* malformed = nullptr);
  //! DeleteMessage.
  core::Status delete_message(const std::string& receipt_handle);
  //! ChangeMessageVisibility: the message stays invisible for `seconds` from now.
  core::Status change_visibility(const std::string& receipt_handle, std::int64_t seconds);
  //! GetQueueAttributes for `names` (e.g. "VisibilityTimeout", "RedrivePolicy").
  core::Result<std::map<std::string, std::string>> attributes(
      const std::vector<std::string>& names);

  void cancel() { client_->cancel(); }
  const std::string& url() const { return url_; }
  //! The queue's name (the URL's last segment), for logs.
  const std::string& name() const { return name_; }
  const std::string& endpoint() const { return client_->endpoint(); }
  const std::string& region() const { return client_->region(); }
  std::string credential_source() const { return client_->credential_source(); }

 private:
  SqsQueue(std::string url, std::string name, std::unique_ptr<aws::JsonServiceClient> client)
      : url_(std::move(url)), name_(std::move(name)), client_(std::move(client)) {}

  std::string url_;
  std::string name_;
  std::unique_ptr<aws::JsonServiceClient> client_;
};

}  // namespace lifeboat::server

#include "server/sqs_queue.h"

#include <fmt/format.h>

namespace lifeboat::server {
namespace {

// Receipt handles are at most 1024 characters at AWS; anything far longer is not one.
constexpr std::size_t kMaxReceiptHandleBytes = 8192;
constexpr std::size_t kMaxMessageIdBytes = 256;

}  // namespace

core::Result<std::unique_ptr<SqsQueue>> SqsQueue::open(const SqsQueueSettings& settings,
                                                       aws::Environment env, int max_attempts) {
  const std::string what = fmt::format("SQS queue '{}'", settings.queue_url);
  auto parts = parse_queue_url(settings.queue_url);
  if (!parts.is_ok()) return parts.status().with_context(what);
  aws::ClientOptions options;
  options.region = settings.region.empty() ? parts->region : settings.region;
  options.endpoint_url = settings.endpoint_url;
  options.fallback_endpoint_url = parts->endpoint;
  options.profile = settings.profile;
  // A long poll holds the exchange for up to 20 s; the request timeout must outlast it.
  options.request_timeout = std::chrono::seconds(40);
  if (max_attempts > 0) options.max_attempts = max_attempts;
  auto client = aws::JsonServiceClient::create(aws::sqs_service(), options, std::move(env));
  if (!client.is_ok()) return client.status().with_context(what);
  return std::unique_ptr<SqsQueue>(
      new SqsQueue(settings.queue_url, parts->name, std::move(client).value()));
}

core::Result<std::vector<SqsMessage>> SqsQueue::receive(int max_messages, int wait_seconds,
                                                        std::int64_t visibility_seconds,
                                                        int* malformed) {
  core::Json request{{"QueueUrl", url_},
                     {"MaxNumberOfMessages", max_messages},
                     {"WaitTimeSeconds", wait_seconds},
                     {"VisibilityTimeout", visibility_seconds},
                     {"MessageSystemAttributeNames", {"ApproximateReceiveCount"}}};
  LIFEBOAT_ASSIGN_OR_RETURN(core::Json answer, client_->call("ReceiveMessage", request));
  std::vector<SqsMessage> messages;
  if (malformed != nullptr) *malformed = 0;
  auto it = answer.find("Messages");
  if (it == answer.end() || it->is_null()) return messages;
  if (!it->is_array()) {
    return core::Status::unavailable(
        fmt::format("SQS ReceiveMessage on '{}': Messages is not a list", name_));
  }
  for (const auto& m : *it) {
    auto text = [&m](const char* key, std::size_t limit) -> std::string {
      if (!m.is_object()) return "";
      auto f = m.find(key);
      if (f == m.end() || !f->is_string()) return "";
      const auto& s = f->get_ref<const std::string&>();
      return s.size() <= limit ? s : "";
    };
    SqsMessage message;
    message.message_id = text("MessageId", kMaxMessageIdBytes);
    message.receipt_handle = text("ReceiptHandle", kMaxReceiptHandleBytes);
    bool has_body = m.is_object() && m.contains("Body") && m["Body"].is_string();
    if (message.message_id.empty() || message.receipt_handle.empty() || !has_body) {
      if (malformed != nullptr) ++*malformed;
      continue;
    }
    message.body = m["Body"].get<std::string>();
    if (auto a = m.find("Attributes"); a != m.end() && a->is_object()) {
      auto count = a->find("ApproximateReceiveCount");
      if (count != a->end() && count->is_string()) {
        try {
          message.receive_count = std::stoll(count->get<std::string>());
        } catch (const std::exception&) {
          message.receive_count = 0;
        }
      }
    }
    messages.push_back(std::move(message));
  }
  return messages;
}

core::Status SqsQueue::delete_message(const std::string& receipt_handle) {
  auto answer =
      client_->call("DeleteMessage", {{"QueueUrl", url_}, {"ReceiptHandle", receipt_handle}});
  return answer.status();
}

core::Status SqsQueue::change_visibility(const std::string& receipt_handle, std::int64_t seconds) {
  auto answer = client_->call(
      "ChangeMessageVisibility",
      {{"QueueUrl", url_}, {"ReceiptHandle", receipt_handle}, {"VisibilityTimeout", seconds}});
  return answer.status();
}

core::Result<std::map<std::string, std::string>> SqsQueue::attributes(
    const std::vector<std::string>& names) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      core::Json answer,
      client_->call("GetQueueAttributes", {{"QueueUrl", url_}, {"AttributeNames", names}}));
  std::map<std::string, std::string> out;
  if (auto a = answer.find("Attributes"); a != answer.end() && a->is_object()) {
    for (const auto& [key, value] : a->items()) {
      if (value.is_string()) out[key] = value.get<std::string>();
    }
  }
  return out;
}

}  // namespace lifeboat::server

// SqsQueueSettings: one `[[intake.sqs]]` table of the daemon's config — a queue that
// `lifeboat serve` long-polls for platform events (README "SQS intake"), and the checks of
// its values. A plain value type; the functions are pure and thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lifeboat::server {

struct SqsQueueSettings {
  std::string queue_url;     //!< https://sqs.<region>.amazonaws.com/<account>/<name>
  std::string region;        //!< empty: from the queue URL, else AWS_REGION, ...
  std::string endpoint_url;  //!< empty: AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL, the queue URL's
  std::string profile;       //!< AWS shared-config profile; empty: AWS_PROFILE or default
  int max_messages = 10;     //!< messages per ReceiveMessage, 1-10
  //! How long a received message stays invisible to other consumers; extended while it is
  //! being applied. 2-43200 (SQS's limit, 12 h).
  std::int64_t visibility_timeout_seconds = 60;
};

inline constexpr int kMaxSqsMessagesPerReceive = 10;
inline constexpr std::int64_t kMinSqsVisibilitySeconds = 2;
inline constexpr std::int64_t kMaxSqsVisibilitySeconds = 43200;
inline constexpr std::size_t kMaxQueueUrlBytes = 2048;

//! What a queue URL says: where to send calls (scheme://host[:port]), the region when the
//! host is sqs.<region>.amazonaws.com[.cn] (else empty), the account and the queue name.
struct QueueUrlParts {
  std::string endpoint;
  std::string region;
  std::string account;
  std::string name;
};

//! Splits http(s)://host[:port]/<account>/<queue name>. InvalidArgument (naming the URL and
//! the expected form) for anything else: a user, a query, a fragment, more or fewer path
//! segments, characters outside the ones SQS allows, more than kMaxQueueUrlBytes.
core::Result<QueueUrlParts> parse_queue_url(std::string_view url);

//! Checks every value; InvalidArgument names `intake.sqs[<index>].<key>` and the problem.
core::Status validate_sqs_queue_settings(const SqsQueueSettings& settings, std::size_t index);

}  // namespace lifeboat::server

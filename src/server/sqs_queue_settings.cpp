#include "server/sqs_queue_settings.h"

#include <fmt/format.h>

#include <algorithm>

#include "aws/endpoint.h"

namespace lifeboat::server {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

core::Status bad_url(std::string_view url, std::string_view problem) {
  // Only a printable prefix of the value is quoted: it came from the configuration.
  std::string shown(url.substr(0, 200));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return core::Status::invalid_argument(fmt::format(
      "queue URL '{}{}' {}; expected https://sqs.<region>.amazonaws.com/<account>/<queue name>",
      shown, url.size() > 200 ? "..." : "", problem));
}

}  // namespace

core::Result<QueueUrlParts> parse_queue_url(std::string_view url) {
  if (url.size() > kMaxQueueUrlBytes) {
    return bad_url(url, fmt::format("is longer than {} bytes", kMaxQueueUrlBytes));
  }
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad_url(url, "has no scheme");
  std::size_t host_start = scheme_end + 3;
  std::size_t path_start = url.find('/', host_start);
  if (path_start == std::string_view::npos) return bad_url(url, "has no path");
  QueueUrlParts parts;
  parts.endpoint = std::string(url.substr(0, path_start));
  core::Status endpoint_ok = aws::validate_endpoint_url(parts.endpoint, "the queue URL");
  if (!endpoint_ok.is_ok()) return bad_url(url, "must be http(s)://host[:port]/... with no user");
  std::string_view path = url.substr(path_start + 1);
  std::size_t slash = path.find('/');
  if (slash == std::string_view::npos) return bad_url(url, "must have two path segments");
  std::string_view account = path.substr(0, slash);
  std::string_view name = path.substr(slash + 1);
  if (account.empty() || account.size() > 64 ||
      !std::all_of(account.begin(), account.end(), is_alnum)) {
    return bad_url(url, "has an account segment that is not 1-64 letters or digits");
  }
  std::string_view base = name;
  if (base.ends_with(".fifo")) base.remove_suffix(5);
  if (base.empty() || base.size() > 80 || !std::all_of(base.begin(), base.end(), [](char c) {
        return is_alnum(c) || c == '-' || c == '_';
      })) {
    return bad_url(url,
                   "has a queue name that is not 1-80 letters, digits, '-' or '_' (and an "
                   "optional .fifo)");
  }
  parts.account = std::string(account);
  parts.name = std::string(name);
  // sqs.<region>.amazonaws.com[.cn]: the region the queue lives in (and signs with).
  std::string_view host = url.substr(host_start, path_start - host_start);
  for (std::string_view suffix : {".amazonaws.com", ".amazonaws.com.cn"}) {
    if (host.starts_with("sqs.") && host.ends_with(suffix) && host.size() > 4 + suffix.size()) {
      std::string_view region = host.substr(4, host.size() - 4 - suffix.size());
      if (aws::validate_region(region).is_ok()) parts.region = std::string(region);
    }
  }
  return parts;
}

core::Status validate_sqs_queue_settings(const SqsQueueSettings& s, std::size_t index) {
  auto bad = [index](std::string_view key, std::string_view problem) {
    return core::Status::invalid_argument(
        fmt::format("setting 'intake.sqs[{}].{}' {}", index, key, problem));
  };
  if (s.queue_url.empty()) return bad("queue_url", "is missing: name the queue to poll");
  auto parts = parse_queue_url(s.queue_url);
  if (!parts.is_ok()) return bad("queue_url", parts.status().message());
  if (!s.region.empty()) {
    core::Status st = aws::validate_region(s.region);
    if (!st.is_ok()) return bad("region", st.message());
  }
  if (!s.endpoint_url.empty()) {
    core::Status st = aws::validate_endpoint_url(s.endpoint_url, "the configuration");
    if (!st.is_ok()) return bad("endpoint_url", st.message());
  }
  if (s.max_messages < 1 || s.max_messages > kMaxSqsMessagesPerReceive) {
    return bad("max_messages", fmt::format("must be from 1 to {}", kMaxSqsMessagesPerReceive));
  }
  if (s.visibility_timeout_seconds < kMinSqsVisibilitySeconds ||
      s.visibility_timeout_seconds > kMaxSqsVisibilitySeconds) {
    return bad(
        "visibility_timeout_seconds",
        fmt::format("must be from {} to {}", kMinSqsVisibilitySeconds, kMaxSqsVisibilitySeconds));
  }
  return core::Status::ok();
}

}  // namespace lifeboat::server

// HTTP for the AWS client: the HttpTransport seam and its libcurl implementation.
//
// CurlTransport verifies HTTPS peers against the system CA store (libcurl's defaults,
// never turned off), speaks only http and https, follows no redirects, never uses signals
// (CURLOPT_NOSIGNAL), and bounds both the connect time and the whole exchange. Plain http
// is whatever URL the caller passes: the endpoint resolution decides that only endpoints an
// administrator configured (and the link-local metadata services) are http.
// Thread safety: send() may be called from several threads at once; each call takes a
// curl handle from a small pool, so connections are reused between calls.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.h"
#include "core/result.h"

namespace lifeboat::aws {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;  //!< sent as given; libcurl adds Content-Length
  std::string body;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds timeout{30000};  //!< the whole exchange
  //! When set and it turns true, the exchange is abandoned (Cancelled) within about a second.
  const std::atomic<bool>* abort = nullptr;
};

struct HttpResponse {
  long status = 0;     //!< NOLINT(google-runtime-int): libcurl's type
  HeaderList headers;  //!< names lower-cased, in arrival order
  std::string body;

  //! The first header named `name` (lower case), if any.
  std::optional<std::string> header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  //! Any HTTP status is a response; only a failure to get one is an error: Timeout when a
  //! deadline passed, Cancelled when request.abort turned true, Unavailable for every other
  //! transport fault (DNS, refused, TLS).
  //! Error messages name the host, never headers or bodies (they hold secrets).
  virtual core::Result<HttpResponse> send(const HttpRequest& request) = 0;
};

//! Largest response body accepted (AWS API answers are far smaller).
inline constexpr std::size_t kMaxResponseBytes = 16u << 20;

class CurlTransport final : public HttpTransport {
 public:
  CurlTransport();
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  core::Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  void* take_handle();
  void return_handle(void* handle);

  std::mutex mu_;
  std::vector<void*> idle_;  // CURL* handles, kept opaque so this header needs no curl.h
};

//! "lifeboat/<version>".
std::string user_agent();

//! The host[:port] of a URL, for messages: "https://a.b:8/x" -> "a.b:8".
std::string host_of_url(std::string_view url);

}  // namespace lifeboat::aws

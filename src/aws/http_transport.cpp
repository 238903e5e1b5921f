#include "aws/http_transport.h"

#include <curl/curl.h>

#include <fmt/format.h>

namespace lifeboat::aws {
namespace {

constexpr std::size_t kMaxIdleHandles = 8;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Exchange {
  HttpResponse response;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  if (ex->response.body.size() + n > kMaxResponseBytes) {
    ex->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  ex->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  // A new status line (after a 100 Continue, say) starts a new header block.
  if (line.starts_with("HTTP/")) {
    ex->response.headers.clear();
    return n;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  ex->response.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

// libcurl calls this at least once a second while an exchange runs; non-zero aborts it.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* abort = static_cast<const std::atomic<bool>*>(user);
  return abort->load() ? 1 : 0;
}

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string user_agent() { return "lifeboat/" LIFEBOAT_VERSION; }

std::string host_of_url(std::string_view url) {
  std::size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  std::size_t end = rest.find_first_of("/?#");
  rest = rest.substr(0, end);
  std::size_t at = rest.rfind('@');  // never show user:password@
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  return std::string(rest);
}

CurlTransport::CurlTransport() { global_init_once(); }

CurlTransport::~CurlTransport() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlTransport::take_handle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlTransport::return_handle(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleHandles) {
    idle_.push_back(handle);
  } else {
    curl_easy_cleanup(static_cast<CURL*>(handle));
  }
}

core::Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  auto* curl = static_cast<CURL*>(take_handle());
  if (curl == nullptr) return core::Status::internal("libcurl could not create a handle");
  // A pooled handle keeps its connections (and TLS sessions) but not the last options.
  curl_easy_reset(curl);

  curl_slist* raw_list = nullptr;
  for (const auto& [name, value] : request.headers) {
    raw_list = curl_slist_append(raw_list, fmt::format("{}: {}", name, value).c_str());
  }
  // No "Expect: 100-continue" round trip for larger bodies.
  raw_list = curl_slist_append(raw_list, "Expect:");
  std::unique_ptr<curl_slist, SlistDeleter> header_list(raw_list);

  Exchange ex;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));                    // NOLINT
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));  // NOLINT
  curl_easy_setopt(curl, CURLOPT_USERAGENT, user_agent().c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  if (request.abort != nullptr) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.abort));
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &ex.response.status);
  // The handle holds pointers to this call's buffers: clear them before it is pooled.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  return_handle(curl);

  std::string host = host_of_url(request.url);
  if (ex.too_large) {
    return core::Status::unavailable(fmt::format(
        "the answer from {} is larger than {} bytes; refused", host, kMaxResponseBytes));
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    return core::Status::cancelled(
        fmt::format("{} {}: abandoned on request", request.method, host));
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return core::Status::timeout(
        fmt::format("no answer from {} within {} ms (connect timeout {} ms)", host,
                    request.timeout.count(), request.connect_timeout.count()));
  }
  if (rc != CURLE_OK) {
    // libcurl's error buffer names the host and the fault, never request headers.
    return core::Status::unavailable(fmt::format(
        "{} {}: {}", request.method, host, error[0] != '\0' ? error : curl_easy_strerror(rc)));
  }
  return std::move(ex.response);
}

}  // namespace lifeboat::aws

// The one translation unit that includes Boost.Beast and Asio (their headers are heavy).
#include "server/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
// Beast's string_view is std::string_view, so header values mix with the rest of the code.
#define BOOST_BEAST_USE_STD_STRING_VIEW
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "server/handler_pool.h"

namespace lifeboat::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using core::Result;
using core::Status;
using Clock = std::chrono::steady_clock;

// Two I/O threads: one is enough for the traffic; the second keeps accepting and answering
// while the first is busy with a burst of hostile input.
constexpr int kIoThreads = 2;
constexpr std::size_t kReadChunk = 4096;
// Lingering close: how long and how much a refused client may still send us.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1 << 20;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string too_many_connections_response() {
  HttpResponse r = problem_response(503, "Service Unavailable",
                                    "too many connections are open; try again in a second");
  return fmt::format(
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
      "Content-Type: {}\r\nContent-Length: {}\r\n\r\n{}",
      r.content_type, r.body.size(), r.body);
}

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

// State every session shares; it outlives the io_context and so every session.
struct Shared {
  HttpLimits limits;
  std::uint64_t max_body_bytes;
  HttpServer::Handlers handlers;
  std::atomic<int> connections{0};
  HandlerPool* pool = nullptr;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Shared& shared) : stream_(std::move(socket)), shared_(shared) {
    ++shared_.connections;
  }
  ~Session() { --shared_.connections; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->await_request(); });
  }

 private:
  using Request = http::request<http::string_body>;

  void await_request();
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);
  void dispatch_to_handler();
  void send(HttpResponse response, bool keep_alive);
  void refuse(int status, std::string_view title, std::string_view detail);
  void on_read_error(beast::error_code ec);
  void linger_then_close();
  void drain();
  void close();
  HttpRequestHead head() const;

  beast::tcp_stream stream_;
  Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Clock::time_point deadline_;
  unsigned version_ = 11;
  http::response<http::string_body> response_;
  std::array<char, kReadChunk> discard_{};
  std::size_t discarded_ = 0;
};

void Session::await_request() {
  if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
  stream_.expires_after(shared_.limits.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            // Idle connections close quietly: nothing was asked, nothing
                            // is owed.
                            if (ec) return self->close();
                            self->buffer_.commit(n);
                            self->read_header();
                          });
}

void Session::read_header() {
  deadline_ = Clock::now() + shared_.limits.read_timeout;
  stream_.expires_at(deadline_);
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_.limits.max_header_bytes));
  parser_->body_limit(shared_.max_body_bytes);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Session::on_header(beast::error_code ec) {
  if (ec) return on_read_error(ec);
  const Request& req = parser_->get();
  version_ = req.version() == 10 ? 10 : 11;
  const HttpLimits& limits = shared_.limits;
  // "METHOD SP target SP HTTP/1.1"
  const std::size_t line = req.method_string().size() + req.target().size() + 10;
  if (line > limits.max_request_line_bytes) {
    return refuse(
        414, "URI Too Long",
        fmt::format("the request line is longer than {} bytes", limits.max_request_line_bytes));
  }
  const auto fields = static_cast<std::size_t>(std::distance(req.begin(), req.end()));
  if (fields > limits.max_headers) {
    return refuse(431, "Request Header Fields Too Large",
                  fmt::format("the request has {} header fields; at most {} are accepted", fields,
                              limits.max_headers));
  }
  if (auto it = req.find(http::field::content_encoding);
      it != req.end() && !iequals(trim(it->value()), "identity")) {
    return refuse(415, "Unsupported Media Type",
                  fmt::format("header Content-Encoding '{}' is not accepted; send the body "
                              "uncompressed (identity)",
                              std::string_view(it->value())));
  }
  if (auto it = req.find(http::field::transfer_encoding);
      it != req.end() && !iequals(trim(it->value()), "chunked")) {
    return refuse(501, "Not Implemented",
                  fmt::format("header Transfer-Encoding '{}' is not supported; only chunked is",
                              std::string_view(it->value())));
  }
  if (shared_.handlers.screen) {
    if (auto refused = shared_.handlers.screen(head())) {
      return send(std::move(*refused), parser_->is_done() && req.keep_alive());
    }
  }
  if (parser_->is_done()) return dispatch_to_handler();
  if (auto it = req.find(http::field::expect); it != req.end()) {
    if (!iequals(trim(it->value()), "100-continue")) {
      return refuse(417, "Expectation Failed",
                    fmt::format("header Expect '{}' is not supported; only 100-continue is",
                                std::string_view(it->value())));
    }
    stream_.expires_after(limits.write_timeout);
    return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                            [self = shared_from_this()](beast::error_code wec, std::size_t) {
                              if (wec) return self->close();
                              self->read_body();
                            });
  }
  read_body();
}

void Session::read_body() {
  stream_.expires_at(deadline_);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void Session::on_body(beast::error_code ec) {
  if (ec) return on_read_error(ec);
  dispatch_to_handler();
}

void Session::on_read_error(beast::error_code ec) {
  if (ec == http::error::header_limit) {
    return refuse(431, "Request Header Fields Too Large",
                  fmt::format("the request line and header fields are larger than {} bytes",
                              shared_.limits.max_header_bytes));
  }
  if (ec == http::error::body_limit) {
    return refuse(413, "Payload Too Large",
                  fmt::format("the request body is larger than max_body_bytes ({} bytes); send "
                              "fewer events at once",
                              shared_.max_body_bytes));
  }
  // On a timeout the stream has closed the socket already: there is no one to answer.
  if (ec == beast::error::timeout || ec == http::error::end_of_stream ||
      ec == http::error::partial_message || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted) {
    return close();
  }
  refuse(400, "Bad Request", fmt::format("the request is not valid HTTP/1.1: {}", ec.message()));
}

HttpRequestHead Session::head() const {
  const Request& req = parser_->get();
  HttpRequestHead h;
  h.method = std::string(req.method_string());
  h.target = std::string(req.target());
  for (const auto& f : req) h.fields.emplace_back(f.name_string(), f.value());
  return h;
}

void Session::dispatch_to_handler() {
  Request& req = parser_->get();
  const bool keep_alive = req.keep_alive();
  auto task = [self = shared_from_this(), executor = stream_.get_executor(), keep_alive,
               request_head = head(), body = std::move(req.body())]() mutable {
    HttpResponse response;
    try {
      response = self->shared_.handlers.handle(request_head, std::move(body));
    } catch (const std::exception& e) {
      response = problem_response(500, "Internal", e.what());
    }
    net::post(executor, [self, keep_alive, response = std::move(response)]() mutable {
      self->send(std::move(response), keep_alive);
    });
  };
  if (!shared_.pool->try_submit(std::move(task))) {
    HttpResponse busy =
        problem_response(503, "Service Unavailable",
                         "the server is busy with other requests; try again in a second");
    busy.headers.emplace_back("Retry-After", "1");
    send(std::move(busy), keep_alive);
  }
}

void Session::refuse(int status, std::string_view title, std::string_view detail) {
  // The rest of the request was not read, so the connection cannot carry another one.
  send(problem_response(status, title, detail), false);
}

void Session::send(HttpResponse response, bool keep_alive) {
  response_ = {};
  response_.version(version_);
  response_.result(static_cast<unsigned>(response.status));
  if (!response.content_type.empty())
    response_.set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) response_.set(name, value);
  response_.body() = std::move(response.body);
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  stream_.expires_after(shared_.limits.write_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      if (ec) return self->close();
                      if (!keep_alive) return self->linger_then_close();
                      self->parser_.reset();
                      self->await_request();
                    });
}

void Session::linger_then_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close();
  // One deadline for the whole drain: a client trickling bytes must not extend it.
  stream_.expires_after(std::min<std::chrono::seconds>(kLingerTime, shared_.limits.write_timeout));
  drain();
}

void Session::drain() {
  stream_.async_read_some(net::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->discarded_ += n;
                            if (ec || self->discarded_ > kLingerBytes) return self->close();
                            self->drain();
                          });
}

void Session::close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace

std::optional<std::string> HttpRequestHead::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) return v;
  }
  return std::nullopt;
}

struct HttpServer::Impl {
  // Everything tied to one io_context; made by bind(), destroyed when serve() ends (which
  // closes the listener and every connection). Members are destroyed bottom-up: the
  // handler pool (whose queued tasks own sessions) before the io_context.
  struct Runtime {
    explicit Runtime(const HttpLimits& limits)
        : pool(limits.handler_threads, limits.handler_queue) {}
    net::io_context ioc{kIoThreads};
    tcp::acceptor acceptor{ioc};
    net::steady_timer retry{ioc};
    HandlerPool pool;
  };

  Shared shared;
  std::mutex mu;  // guards runtime (the pointer) and stopping
  std::unique_ptr<Runtime> runtime;
  bool stopping = false;

  void accept(Runtime& rt);
};

void HttpServer::Impl::accept(Runtime& rt) {
  rt.acceptor.async_accept(
      net::make_strand(rt.ioc), [this, &rt](beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !rt.acceptor.is_open()) return;
        if (ec) {
          // Out of file descriptors and the like: wait a little instead of spinning.
          spdlog::warn("HTTP accept failed: {} (retrying in 100 ms)", ec.message());
          rt.retry.expires_after(std::chrono::milliseconds(100));
          rt.retry.async_wait([this, &rt](beast::error_code) { accept(rt); });
          return;
        }
        if (shared.connections.load() >= shared.limits.max_connections) {
          // Answered without waiting: the few bytes always fit an empty socket buffer.
          static const std::string kTooMany = too_many_connections_response();
          beast::error_code ignored;
          socket.non_blocking(true, ignored);
          socket.write_some(net::buffer(kTooMany), ignored);
          socket.shutdown(tcp::socket::shutdown_both, ignored);
          socket.close(ignored);
        } else {
          std::make_shared<Session>(std::move(socket), shared)->start();
        }
        accept(rt);
      });
}

HttpServer::HttpServer(HttpLimits limits, std::uint64_t max_body_bytes, Handlers handlers)
    : impl_(std::make_unique<Impl>()) {
  impl_->shared.limits = limits;
  impl_->shared.max_body_bytes = max_body_bytes;
  impl_->shared.handlers = std::move(handlers);
}

HttpServer::~HttpServer() { stop(); }

Result<int> HttpServer::bind(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::invalid_argument(
        fmt::format("cannot listen on '{}': expected HOST:PORT; change 'listen'", listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = listen.substr(colon + 1);
  auto rt = std::make_unique<Impl::Runtime>(impl_->shared.limits);
  beast::error_code ec;
  tcp::resolver resolver(rt->ioc);
  auto endpoints = resolver.resolve(host, port, tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return Status::unavailable(fmt::format("cannot listen on {}: {}; change 'listen'", listen,
                                           ec ? ec.message() : "no address"));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  rt->acceptor.open(endpoint.protocol(), ec);
  if (!ec) rt->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) rt->acceptor.bind(endpoint, ec);
  if (!ec) rt->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::unavailable(
        fmt::format("cannot listen on {}: {}; the address is in use or not local; change 'listen'",
                    listen, ec.message()));
  }
  const int bound = rt->acceptor.local_endpoint().port();
  impl_->shared.pool = &rt->pool;
  std::lock_guard lock(impl_->mu);
  impl_->runtime = std::move(rt);
  return bound;
}

Status HttpServer::serve() {
  Impl::Runtime* rt = nullptr;
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->runtime) return Status::failed_precondition("HttpServer::serve() before bind()");
    if (impl_->stopping) return Status::ok();
    rt = impl_->runtime.get();
  }
  impl_->accept(*rt);
  auto run = [rt] {
    // A handler that throws (bad_alloc in a parser, say) must not end the server.
    for (;;) {
      try {
        rt->ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("HTTP I/O thread: {}", e.what());
      }
    }
  };
  std::vector<std::thread> extra;
  for (int i = 1; i < kIoThreads; ++i) extra.emplace_back(run);
  run();
  for (auto& t : extra) t.join();
  rt->pool.stop();
  std::unique_ptr<Impl::Runtime> done;
  {
    std::lock_guard lock(impl_->mu);
    done = std::move(impl_->runtime);
  }
  done.reset();  // closes the listener and every connection
  return Status::ok();
}

void HttpServer::stop() {
  std::lock_guard lock(impl_->mu);
  impl_->stopping = true;
  if (impl_->runtime) impl_->runtime->ioc.stop();
}

}  // namespace lifeboat::server

// HttpServer: an HTTP/1.1 server (Boost.Beast) built to stay up under hostile clients.
//
// Design, and why (the threat model is docs/security.md):
//  - Two I/O threads run one io_context: accepting, reading and writing are asynchronous,
//    so a slow or stalled client holds one connection slot and a few KiB, never a thread.
//    Each connection is a session on its own strand.
//  - Handlers (which touch the store and may block) run on a HandlerPool of
//    `handler_threads` threads with a bounded queue, never on the I/O threads; when the
//    queue is full the request gets 503 with Retry-After. While a request is in a handler
//    its connection reads nothing more, so one client has at most one request in flight.
//  - Every read has a deadline: `idle_timeout` until the first byte of a request, then one
//    `read_timeout` for the whole request (request line, header and body together; a
//    client trickling a byte a second cannot stretch it), and `write_timeout` per response.
//  - The header is read first, within `max_header_bytes` (431), and checked before any
//    body byte is read: request line length (414), field count (431), Content-Encoding
//    other than identity (415; bodies are never decompressed), Transfer-Encoding other
//    than chunked (501), Content-Length over the body limit (413), then the caller's
//    `screen` (authentication). Chunked bodies are held to the same body limit (413).
//    `Expect: 100-continue` gets its 100 only once the header passed every check.
//  - At most `max_connections` connections are open; one more is answered 503 and closed.
//  - A response after which the connection closes is followed by a bounded "lingering
//    close" (shut down sending, discard input for up to 2 s), so a client still sending a
//    refused body reads the answer instead of a reset.
//  - stop() stops the io_context; serve() then stops the handler pool, closes the listener
//    and every connection (slow ones included) and returns. Nothing waits for a client.
//
// Thread safety: bind() and serve() from one thread; stop() from any thread, any time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "server/http_limits.h"
#include "server/http_router.h"

namespace lifeboat::server {

//! A request's line and header fields, as received.
struct HttpRequestHead {
  std::string method;
  std::string target;  //!< origin form, still percent-encoded
  std::vector<std::pair<std::string, std::string>> fields;

  //! Value of the first field named `name` (case-insensitive); nullopt when absent.
  std::optional<std::string> field(std::string_view name) const;
};

class HttpServer {
 public:
  struct Handlers {
    //! Called on an I/O thread once the header passed the server's own checks and before
    //! the body is read; a response refuses the request (its body is never read). Must be
    //! quick and must not block. Optional.
    std::function<std::optional<HttpResponse>(const HttpRequestHead&)> screen;
    //! Called on a handler thread with the whole request. Must not throw (an exception is
    //! answered 500).
    std::function<HttpResponse(const HttpRequestHead&, std::string body)> handle;
  };

  HttpServer(HttpLimits limits, std::uint64_t max_body_bytes, Handlers handlers);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  //! Binds HOST:PORT (port 0: any free port). Returns the bound port.
  core::Result<int> bind(const std::string& listen);
  //! Serves until stop(); call after bind(), from the thread that should block.
  core::Status serve();
  //! Stops serving (returns at once; serve() returns soon after). Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lifeboat::server

// HttpLimits: how much any one client may cost the HTTP server (see docs/security.md).
//
// Every limit is enforced before the thing it bounds is bought: a header block is refused
// once it passes max_header_bytes, a body announced larger than the body limit is refused
// before a byte of it is read, and a slow client holds one connection slot (never a
// thread) until its timeout. A plain value type; `[http]` in the server config sets it.
#pragma once

#include <chrono>
#include <cstddef>

namespace lifeboat::server {

struct HttpLimits {
  //! Request line ("GET /path HTTP/1.1") longer than this: 414.
  std::size_t max_request_line_bytes = 8 * 1024;
  //! Request line plus header fields longer than this: 431.
  std::size_t max_header_bytes = 16 * 1024;
  //! More header fields than this: 431.
  std::size_t max_headers = 100;
  //! Connections open at once; one more is answered 503 and closed.
  int max_connections = 256;
  //! Time allowed between requests on a kept-alive connection, and before the first one.
  std::chrono::seconds idle_timeout{30};
  //! Time from a request's first byte to its last body byte (what ends slowloris).
  std::chrono::seconds read_timeout{10};
  //! Time allowed to write one response.
  std::chrono::seconds write_timeout{10};
  //! Threads running handlers (they touch the store); requests never run on I/O threads.
  int handler_threads = 4;
  //! Requests waiting for a handler thread; one more is answered 503 with Retry-After.
  std::size_t handler_queue = 64;
};

}  // namespace lifeboat::server

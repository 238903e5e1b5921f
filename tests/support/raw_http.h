// RawConnection: one TCP connection to 127.0.0.1:PORT driven byte by byte, for tests that
// must send what a well-behaved client (curl) never would: slow, huge or malformed
// requests, or many connections held open at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lifeboat::testing {

struct RawResponse {
  int status = 0;       //!< 0: no complete response arrived (closed, reset or timed out)
  bool closed = false;  //!< the server closed (or reset) the connection
  std::string head;     //!< status line and header fields
  std::string body;

  //! Value of header `name` (case-insensitive), nullopt when absent.
  std::optional<std::string> header(std::string_view name) const;
};

class RawConnection {
 public:
  //! Connects; throws std::runtime_error when that fails.
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  //! Sends all of `bytes` (giving up after 10 s); false when the server closed or reset the
  //! connection, or would not take the bytes.
  bool send(std::string_view bytes);
  //! Reads the next response (a 1xx one included) within `timeout`. A body is read by
  //! Content-Length, or to the end of the stream when the server closes.
  RawResponse read_response(std::chrono::milliseconds timeout);
  //! True when the server closes or resets the connection within `timeout` (what it sends
  //! first is discarded).
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  // Reads what is available within `deadline`; false on close, reset or timeout.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;  // received, not yet handed out
};

//! One connection, one request, one response (1xx responses skipped).
RawResponse raw_exchange(int port, std::string_view request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace lifeboat::testing

// IP addresses and CIDR blocks for the EventBridge `cidr` filter (IPv4 and IPv6).
//
// parse_ip accepts the textual forms inet_pton(3) accepts (dotted quad; RFC 4291 IPv6 incl.
// `::` and an embedded IPv4 tail) and never allocates. A CidrRange is what EventBridge builds
// for "ADDR/BITS": every address from ADDR up to ADDR with its host bits set, in the same
// family. Values are plain data: safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace lifeboat::ingest {

struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};  //!< network order; IPv4 uses the first 4
  bool v6 = false;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

//! Parses `text` as an IPv4 or IPv6 literal into `out`; false when it is neither.
bool parse_ip(std::string_view text, IpAddress& out) noexcept;

class CidrRange {
 public:
  //! Parses "ADDR/BITS" (IPv4 BITS 0..31, IPv6 BITS 0..127, as EventBridge accepts).
  static core::Result<CidrRange> parse(std::string_view text);

  //! True when `ip` is of the same family and inside the block.
  bool contains(const IpAddress& ip) const noexcept;

 private:
  IpAddress low_;
  IpAddress high_;
};

}  // namespace lifeboat::ingest

#include "ingest/pattern_ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace lifeboat::ingest {

bool parse_ip(std::string_view text, IpAddress& out) noexcept {
  // inet_pton wants a NUL-terminated string; the longest IPv6 literal fits in 46 bytes.
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1) {
    ip.v6 = false;
  } else if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
    ip.v6 = true;
  } else {
    return false;
  }
  out = ip;
  return true;
}

core::Result<CidrRange> CidrRange::parse(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos) {
    return core::Status::invalid_argument(fmt::format(
        "malformed CIDR \"{}\": exactly one '/' is required, as in \"10.0.0.0/24\"", text));
  }
  std::string_view addr = text.substr(0, slash);
  std::string_view bits_text = text.substr(slash + 1);
  int bits = -1;
  auto [end, ec] = std::from_chars(bits_text.data(), bits_text.data() + bits_text.size(), bits);
  if (bits_text.empty() || ec != std::errc() || end != bits_text.data() + bits_text.size()) {
    return core::Status::invalid_argument(
        fmt::format("malformed CIDR \"{}\": the mask bits must be an integer", text));
  }
  if (bits < 0) {
    return core::Status::invalid_argument(
        fmt::format("malformed CIDR \"{}\": the mask bits must not be negative", text));
  }
  CidrRange range;
  if (!parse_ip(addr, range.low_)) {
    return core::Status::invalid_argument(
        fmt::format("malformed CIDR \"{}\": \"{}\" is not an IPv4 or IPv6 address", text, addr));
  }
  const int width = range.low_.v6 ? 128 : 32;
  // EventBridge refuses a full-length mask; a single address is written as a plain value.
  if (bits >= width) {
    return core::Status::invalid_argument(fmt::format(
        "malformed CIDR \"{}\": {} mask bits must be < {} (match one address with its plain "
        "value)",
        text, range.low_.v6 ? "IPv6" : "IPv4", width));
  }
  range.high_ = range.low_;
  const int nbytes = width / 8;
  for (int i = 0; i < nbytes; ++i) {
    const int host_bits = std::clamp(width - bits - (nbytes - 1 - i) * 8, 0, 8);
    range.high_.bytes[i] |= static_cast<std::uint8_t>((1u << host_bits) - 1u);
  }
  return range;
}

bool CidrRange::contains(const IpAddress& ip) const noexcept {
  if (ip.v6 != low_.v6) return false;
  const size_t n = ip.v6 ? 16 : 4;
  // Byte arrays in network order compare like the addresses they hold.
  return std::memcmp(ip.bytes.data(), low_.bytes.data(), n) >= 0 &&
         std::memcmp(ip.bytes.data(), high_.bytes.data(), n) <= 0;
}

}  // namespace lifeboat::ingest

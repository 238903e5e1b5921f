#include "core/ids.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <random>

#include <fmt/format.h>

namespace lifeboat::core {

std::string new_uuid() {
  static std::mutex mu;
  static std::mt19937_64 gen{std::random_device{}()};
  std::uint64_t hi, lo;
  {
    std::lock_guard lock(mu);
    hi = gen();
    lo = gen();
  }
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

}  // namespace lifeboat::core

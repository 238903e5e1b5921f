// TokenBucket: a bandwidth limit shared by every copy worker (--bwlimit). acquire(n) blocks
// until n bytes may pass at `rate` bytes per second (bursts up to a quarter second's worth).
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace lifeboat::transfer {

class TokenBucket {
 public:
  //! `rate` bytes per second; 0 means unlimited (acquire never blocks).
  explicit TokenBucket(std::uint64_t rate);
  void acquire(std::uint64_t bytes);

 private:
  std::uint64_t rate_;
  std::mutex mu_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace lifeboat::transfer

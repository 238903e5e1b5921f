// ContentHasher: XXH3-128 over a stream of bytes (the checksum --verify compares).
// One hasher per file; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lifeboat::transfer {

class ContentHasher {
 public:
  ContentHasher();
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;

  void reset();
  void update(const void* data, size_t size);
  //! Feeds `count` zero bytes (a hole in a sparse file reads as zeros).
  void update_zeros(std::uint64_t count);
  //! 32 hex digits of the digest so far.
  std::string hex_digest() const;

 private:
  void* state_;  // XXH3_state_t*, kept opaque so xxhash.h stays out of the header
};

}  // namespace lifeboat::transfer

#include "transfer/content_hasher.h"

#include <xxhash.h>

#include <algorithm>

#include <fmt/format.h>

namespace lifeboat::transfer {

namespace {
XXH3_state_t* st(void* p) { return static_cast<XXH3_state_t*>(p); }
}  // namespace

ContentHasher::ContentHasher() : state_(XXH3_createState()) { reset(); }

ContentHasher::~ContentHasher() { XXH3_freeState(st(state_)); }

void ContentHasher::reset() { XXH3_128bits_reset(st(state_)); }

void ContentHasher::update(const void* data, size_t size) {
  XXH3_128bits_update(st(state_), data, size);
}

void ContentHasher::update_zeros(std::uint64_t count) {
  static const char kZeros[64 * 1024] = {};
  while (count > 0) {
    size_t n = static_cast<size_t>(std::min<std::uint64_t>(count, sizeof kZeros));
    update(kZeros, n);
    count -= n;
  }
}

std::string ContentHasher::hex_digest() const {
  XXH128_hash_t h = XXH3_128bits_digest(st(state_));
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

}  // namespace lifeboat::transfer

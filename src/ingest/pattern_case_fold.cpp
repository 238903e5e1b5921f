#include "ingest/pattern_case_fold.h"

#include <cstddef>

namespace lifeboat::ingest {
namespace {

// Decodes the code point starting at `i` and advances `i` past it. A malformed sequence
// yields its first byte as a code point of its own, so every byte is consumed exactly once
// and two strings compare equal only if their bytes agree wherever UTF-8 is broken.
char32_t decode_next(std::string_view s, size_t& i) noexcept {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  size_t len = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    ++i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++i;
    return b0;
  }
  if (i + len > s.size()) {
    ++i;
    return b0;
  }
  for (size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

// Decodes the code point that ends at `end` (exclusive) and moves `end` to its start.
char32_t decode_prev(std::string_view s, size_t& end) noexcept {
  size_t start = end - 1;
  // A code point is at most 4 bytes: step back over up to 3 continuation bytes.
  while (start > 0 && end - start < 4 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  size_t probe = start;
  char32_t cp = decode_next(s, probe);
  if (probe != end) {
    // Not one well-formed sequence ending exactly here: take the last byte alone, the
    // same way decode_next would have consumed it.
    start = end - 1;
    cp = static_cast<unsigned char>(s[start]);
  }
  end = start;
  return cp;
}

}  // namespace

char32_t fold_code_point(char32_t c) noexcept {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  // Latin-1: À..Þ except × (U+00D7).
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  // Latin Extended-A pairs: upper case is even in 0100..0137 and 014A..0177, odd in 0139..0148
  // and 0179..017E; Ÿ (U+0178) folds to ÿ (U+00FF).
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return (c % 2 == 0) ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
  if (c == 0x178) return 0xFF;
  // Greek capitals (no U+03A2), and final sigma to sigma.
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;
  if (c == 0x3C2) return 0x3C3;
  // Cyrillic: Ѐ..Џ and А..Я.
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  // Armenian capitals, and fullwidth Latin capitals (Ａ..Ｚ).
  if (c >= 0x531 && c <= 0x556) return c + 0x30;
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 0x20;
  return c;
}

std::u32string fold_text(std::string_view utf8) {
  std::u32string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size();) out.push_back(fold_code_point(decode_next(utf8, i)));
  return out;
}

namespace {

// How many bytes of `text` fold to `folded`, from the start; npos when they do not.
size_t folded_prefix_bytes(std::string_view text, const std::u32string& folded) noexcept {
  size_t i = 0;
  for (char32_t want : folded) {
    if (i >= text.size()) return std::string_view::npos;
    if (fold_code_point(decode_next(text, i)) != want) return std::string_view::npos;
  }
  return i;
}

}  // namespace

bool starts_with_folded(std::string_view text, const std::u32string& folded) noexcept {
  return folded_prefix_bytes(text, folded) != std::string_view::npos;
}

bool equals_folded(std::string_view text, const std::u32string& folded) noexcept {
  return folded_prefix_bytes(text, folded) == text.size();
}

bool ends_with_folded(std::string_view text, const std::u32string& folded) noexcept {
  size_t end = text.size();
  for (size_t k = folded.size(); k > 0; --k) {
    if (end == 0) return false;
    if (fold_code_point(decode_prev(text, end)) != folded[k - 1]) return false;
  }
  return true;
}

}  // namespace lifeboat::ingest

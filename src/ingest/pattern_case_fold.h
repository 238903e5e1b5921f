// Case-insensitive comparison for the EventBridge equals-ignore-case family
// (equals-ignore-case, prefix/suffix with equals-ignore-case, anything-but equals-ignore-case).
//
// Text is UTF-8. Folding maps each code point to one lower-case code point: ASCII, Latin-1,
// Latin Extended-A, Greek, Cyrillic, Armenian and fullwidth Latin letters are folded; other code
// points compare exactly. A pattern is folded once at compile time (fold_text); the event text is
// folded on the fly, so the comparisons below never allocate. Bytes that are not valid UTF-8
// compare as themselves. All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace lifeboat::ingest {

//! The lower-case form of one code point (identity when it has none we know).
char32_t fold_code_point(char32_t c) noexcept;

//! Folds `utf8` into code points, ready for the comparisons below.
std::u32string fold_text(std::string_view utf8);

//! True when `text` folded equals `folded`.
bool equals_folded(std::string_view text, const std::u32string& folded) noexcept;
//! True when `text` folded starts with `folded`.
bool starts_with_folded(std::string_view text, const std::u32string& folded) noexcept;
//! True when `text` folded ends with `folded`.
bool ends_with_folded(std::string_view text, const std::u32string& folded) noexcept;

}  // namespace lifeboat::ingest

// WildcardPattern: the EventBridge `wildcard` filter, compiled.
//
// `*` matches any run of characters (including none). `\*` is a literal asterisk and `\\` a
// literal backslash; a backslash before anything else, or at the end, is an error, and so are
// two consecutive `*` (EventBridge rejects both). Matching is case-sensitive, byte-wise on
// UTF-8, linear in the text for each literal piece, and never allocates.
// Immutable after parse: safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lifeboat::ingest {

class WildcardPattern {
 public:
  //! Compiles `text`; the error says which rule is broken and at which character.
  static core::Result<WildcardPattern> parse(std::string_view text);

  //! True when the whole of `value` matches.
  bool matches(std::string_view value) const noexcept;

  //! The literal pieces between the stars (escapes resolved); n stars give n + 1 pieces.
  const std::vector<std::string>& pieces() const noexcept { return pieces_; }

 private:
  std::vector<std::string> pieces_;
};

}  // namespace lifeboat::ingest

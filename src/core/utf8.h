// UTF-8 validity, for text that reaches a database or a message from outside (cursors,
// query parameters). Pure function; thread safe.
#pragma once

#include <string_view>

namespace lifeboat::core {

//! True when `text` is well-formed UTF-8: no overlong forms, no surrogates, nothing above
//! U+10FFFF, no truncated sequence. NUL and other control characters are well-formed.
bool is_valid_utf8(std::string_view text);

}  // namespace lifeboat::core

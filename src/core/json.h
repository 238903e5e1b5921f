// JSON helpers over nlohmann::json: parsing into Result with messages a person can act on,
// and typed field access that names the missing or mistyped field.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace lifeboat::core {

using Json = nlohmann::json;

//! Arrays and objects nested deeper than this are refused by parse_json (a tree this deep
//! is never legitimate, and copying or destroying one recurses once per level).
inline constexpr std::size_t kMaxJsonDepth = 128;

//! Parses `text`; on failure (InvalidArgument) the message says what (`what`, e.g. "event
//! file 'x.json'"), where (byte offset) and why: not JSON, not UTF-8, a number out of
//! range, or nesting deeper than kMaxJsonDepth. The depth is checked by an iterative scan
//! before any tree is built, so no input drives recursion. Input bytes quoted in the
//! message are escaped (\xHH), so the message is always printable ASCII.
Result<Json> parse_json(std::string_view text, std::string_view what);

//! Required string field `key` of object `obj`; the error names `where.key`.
Result<std::string> get_string(const Json& obj, std::string_view key, std::string_view where);
//! Optional string field: nullopt when absent or null; error when present with another type.
Result<std::optional<std::string>> get_optional_string(const Json& obj, std::string_view key,
                                                       std::string_view where);
//! Required integer field.
Result<std::int64_t> get_int(const Json& obj, std::string_view key, std::string_view where);

}  // namespace lifeboat::core

// JSON helpers over nlohmann::json: parsing into Result with messages a person can act on,
// and typed field access that names the missing or mistyped field.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace lifeboat::core {

using Json = nlohmann::json;

//! Parses `text`; on failure (InvalidArgument) the message says what (`what`, e.g. "event
//! file 'x.json'"), where (byte offset) and why: not JSON, not UTF-8, a number out of range
//! (1e400), or arrays and objects nested more than 128 levels deep. The depth is checked by
//! an iterative scan before any tree is built, so no input drives recursion, and a tree
//! this returns can be copied and destroyed safely. Input bytes quoted in the message are
//! escaped (\xHH): the message is printable ASCII.
Result<Json> parse_json(std::string_view text, std::string_view what);

//! Required string field `key` of object `obj`; the error names `where.key`.
Result<std::string> get_string(const Json& obj, std::string_view key, std::string_view where);
//! Optional string field: nullopt when absent or null; error when present with another type.
Result<std::optional<std::string>> get_optional_string(const Json& obj, std::string_view key,
                                                       std::string_view where);
//! Required integer field.
Result<std::int64_t> get_int(const Json& obj, std::string_view key, std::string_view where);

}  // namespace lifeboat::core

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

//! Parses `text`; on failure the message says what (`what`, e.g. "event file 'x.json'")
//! and where (byte offset) the text is not JSON.
Result<Json> parse_json(std::string_view text, std::string_view what);

//! Required string field `key` of object `obj`; the error names `where.key`.
Result<std::string> get_string(const Json& obj, std::string_view key, std::string_view where);
//! Optional string field: nullopt when absent or null; error when present with another type.
Result<std::optional<std::string>> get_optional_string(const Json& obj, std::string_view key,
                                                       std::string_view where);
//! Required integer field.
Result<std::int64_t> get_int(const Json& obj, std::string_view key, std::string_view where);

}  // namespace lifeboat::core

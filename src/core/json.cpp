#include "core/json.h"

#include <fmt/format.h>

namespace lifeboat::core {

Result<Json> parse_json(std::string_view text, std::string_view what) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return Status::invalid_argument(
        fmt::format("{} is not valid JSON (at byte {}): {}", what, e.byte, e.what()));
  }
}

Result<std::string> get_string(const Json& obj, std::string_view key, std::string_view where) {
  if (!obj.is_object())
    return Status::invalid_argument(fmt::format("{} must be a JSON object", where));
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return Status::invalid_argument(fmt::format("missing field {}.{}", where, key));
  }
  if (!it->is_string()) {
    return Status::invalid_argument(fmt::format("field {}.{} must be a string", where, key));
  }
  return it->get<std::string>();
}

Result<std::optional<std::string>> get_optional_string(const Json& obj, std::string_view key,
                                                       std::string_view where) {
  if (!obj.is_object())
    return Status::invalid_argument(fmt::format("{} must be a JSON object", where));
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) {
    return Status::invalid_argument(fmt::format("field {}.{} must be a string", where, key));
  }
  return std::optional<std::string>{it->get<std::string>()};
}

Result<std::int64_t> get_int(const Json& obj, std::string_view key, std::string_view where) {
  if (!obj.is_object())
    return Status::invalid_argument(fmt::format("{} must be a JSON object", where));
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return Status::invalid_argument(fmt::format("missing field {}.{}", where, key));
  }
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) return static_cast<std::int64_t>(d);
  }
  return Status::invalid_argument(fmt::format("field {}.{} must be an integer", where, key));
}

}  // namespace lifeboat::core

#include "core/json.h"

#include <fmt/format.h>

namespace lifeboat::core {

namespace {

// Arrays and objects nested deeper than this are refused (a tree this deep is never
// legitimate, and copying or destroying one recurses once per level). The scan that
// enforces it is iterative, so no input drives recursion here.
constexpr std::size_t kMaxJsonDepth = 128;

// nlohmann quotes the bytes it last read in its messages; they may be anything (invalid
// UTF-8 included), and a message must be safe to print and to put in a JSON response.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", byte);
    }
  }
  return out;
}

// Iterative, so the depth of the input never becomes the depth of our stack. Brackets
// inside strings do not count; a bracket that is a syntax error is the parser's to report.
Status check_depth(std::string_view text, std::string_view what) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return Status::invalid_argument(
            fmt::format("{} nests arrays and objects more than {} levels deep (at byte {})", what,
                        kMaxJsonDepth, i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return Status::ok();
}

}  // namespace

Result<Json> parse_json(std::string_view text, std::string_view what) {
  LIFEBOAT_RETURN_IF_ERROR(check_depth(text, what));
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    const std::string why = printable(e.what());
    if (why.find("UTF-8") != std::string::npos) {
      return Status::invalid_argument(
          fmt::format("{} is not valid UTF-8 (at byte {}): {}", what, e.byte, why));
    }
    return Status::invalid_argument(
        fmt::format("{} is not valid JSON (at byte {}): {}", what, e.byte, why));
  } catch (const Json::out_of_range& e) {
    // A number too large for a double (1e400).
    return Status::invalid_argument(
        fmt::format("{} has a number out of range: {}", what, printable(e.what())));
  } catch (const Json::exception& e) {
    return Status::invalid_argument(
        fmt::format("{} cannot be read: {}", what, printable(e.what())));
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

#include "workflow/intrinsic_functions.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <vector>

#include "core/ids.h"
#include "workflow/asl_error.h"
#include "workflow/base64.h"
#include "workflow/execution_limits.h"
#include "workflow/json_path.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;

namespace {

// AWS documents these: Base64Encode/Base64Decode and Hash take at most 10,000 characters;
// ArrayRange makes at most 1,000 items; MathAdd and MathRandom work on 32-bit integers.
constexpr std::size_t kMaxStringLength = 10000;
constexpr std::int64_t kMaxRangeItems = 1000;
constexpr std::int64_t kMinMathInt = -2147483648LL;
constexpr std::int64_t kMaxMathInt = 2147483647LL;
// AWS documents no bound for these. A string or array an intrinsic works through, or one it
// builds, is at most the 256 KiB that AWS allows as a state's whole input or output, so
// StringSplit, ArrayPartition, ArrayUnique and Format cannot be made to build gigabytes.
constexpr std::size_t kMaxPayloadSize = 256 * 1024;
// Calls nested deeper than this are refused, so that parsing cannot exhaust the stack.
constexpr int kMaxNesting = 10;

Status failure(const std::string& fn, const std::string& why) {
  return asl_error(kErrIntrinsicFailure, fn + ": " + why);
}

// One parsed argument or call. A string literal keeps its raw text too, because
// States.Format must tell an escaped "\{" from a placeholder "{}".
struct Expr {
  enum class Kind { kLiteral, kString, kPath, kCall };
  Kind kind = Kind::kLiteral;
  Json literal;
  std::string raw;
  std::string path;
  std::string function;
  std::vector<Expr> args;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Expr> parse_all() {
    if (text_.size() > kMaxPayloadSize) return error("the expression is too long");
    LIFEBOAT_ASSIGN_OR_RETURN(Expr e, parse_call());
    skip_space();
    if (pos_ != text_.size()) return error("unexpected text after the call");
    return e;
  }

 private:
  Status error(const std::string& why) const {
    return failure("'" + std::string(text_) + "'", why + " at offset " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }

  Result<Expr> parse_call() {
    if (++depth_ > kMaxNesting)
      return error("calls nested more than " + std::to_string(kMaxNesting) + " deep");
    skip_space();
    std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 || text_[pos_] == '.'))
      ++pos_;
    Expr e;
    e.kind = Expr::Kind::kCall;
    e.function = std::string(text_.substr(start, pos_ - start));
    if (e.function.rfind("States.", 0) != 0) return error("expected a States.* function");
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != '(') return error("expected '('");
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ')') {
      ++pos_;
      --depth_;
      return e;
    }
    while (true) {
      LIFEBOAT_ASSIGN_OR_RETURN(Expr arg, parse_arg());
      e.args.push_back(std::move(arg));
      skip_space();
      if (pos_ >= text_.size()) return error("unterminated argument list");
      if (text_[pos_] == ')') {
        ++pos_;
        --depth_;
        return e;
      }
      if (text_[pos_] != ',') return error("expected ',' or ')'");
      ++pos_;
    }
  }

  Result<Expr> parse_arg() {
    skip_space();
    if (pos_ >= text_.size()) return error("missing argument");
    char c = text_[pos_];
    Expr e;
    if (c == '\'') {
      ++pos_;
      std::string value;
      std::string raw;
      while (pos_ < text_.size() && text_[pos_] != '\'') {
        if (text_[pos_] == '\\') {
          if (pos_ + 1 >= text_.size()) return error("dangling '\\'");
          raw += text_[pos_];
          ++pos_;
        }
        raw += text_[pos_];
        value += text_[pos_];
        ++pos_;
      }
      if (pos_ >= text_.size()) return error("unterminated string literal");
      ++pos_;
      e.kind = Expr::Kind::kString;
      e.literal = value;
      e.raw = raw;
      return e;
    }
    if (c == '$') {
      std::size_t start = pos_;
      int depth = 0;
      bool quoted = false;
      while (pos_ < text_.size()) {
        char d = text_[pos_];
        if (d == '\'') quoted = !quoted;
        if (!quoted) {
          if (d == '[') ++depth;
          if (d == ']') --depth;
          if (depth == 0 && (d == ',' || d == ')' || d == ' ')) break;
        }
        ++pos_;
      }
      e.kind = Expr::Kind::kPath;
      e.path = std::string(text_.substr(start, pos_ - start));
      auto parsed = JsonPath::parse(e.path);
      if (!parsed) return error(parsed.status().message());
      return e;
    }
    if (c == 'S') return parse_call();
    std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != ')' && text_[pos_] != ' ')
      ++pos_;
    std::string word(text_.substr(start, pos_ - start));
    Json v = Json::parse(word, nullptr, false);
    if (v.is_discarded() || v.is_object() || v.is_array() || v.is_string())
      return error("unexpected argument '" + word + "'");
    e.kind = Expr::Kind::kLiteral;
    e.literal = v;
    return e;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

struct Env {
  const Json& input;
  const Json& context;
};

Result<Json> eval(const Expr& e, const Env& env);

Result<std::vector<Json>> eval_args(const Expr& call, const Env& env) {
  std::vector<Json> out;
  for (const auto& a : call.args) {
    LIFEBOAT_ASSIGN_OR_RETURN(Json v, eval(a, env));
    out.push_back(std::move(v));
  }
  return out;
}

Status want_args(const Expr& call, std::size_t lo, std::size_t hi) {
  std::size_t n = call.args.size();
  if (n < lo || n > hi) {
    std::string expected =
        lo == hi ? std::to_string(lo) : std::to_string(lo) + ".." + std::to_string(hi);
    return failure(call.function, "takes " + expected + " argument(s), got " + std::to_string(n));
  }
  return Status::ok();
}

Status want_type(const Expr& call, const Json& v, std::size_t i, const char* type, bool ok) {
  if (ok) return Status::ok();
  return failure(call.function, "argument " + std::to_string(i + 1) + " must be " + type +
                                    ", got " + std::string(v.type_name()));
}

// Integers are read only through integer_in_range, so that 1e300 or 2^64-1 is refused
// instead of converted with overflow.
bool is_integer(const Json& v) {
  return integer_in_range(v, std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max())
      .has_value();
}

// A MathAdd argument: AWS rounds a number that is not an integer to the nearest one, a half
// upwards (Java's Math.round: 1.5 -> 2, -1.5 -> -1, -2.5 -> -2), each argument on its own.
// nullopt when the result is outside the 32-bit range.
std::optional<std::int64_t> round_to_math_int(const Json& v) {
  if (!v.is_number_float()) return integer_in_range(v, kMinMathInt, kMaxMathInt);
  const double x = v.get<double>();
  double r = std::floor(x);
  // x - floor(x) is exact, so no half is lost to rounding as floor(x + 0.5) would lose one.
  if (x - r >= 0.5) r += 1;
  if (!(r >= static_cast<double>(kMinMathInt) && r <= static_cast<double>(kMaxMathInt)))
    return std::nullopt;
  return static_cast<std::int64_t>(r);
}

std::int64_t as_int(const Json& v) {
  return *integer_in_range(v, std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max());
}

// Length of the well-formed UTF-8 sequence at s[i], or 0 when there is none (overlong
// forms, surrogates and code points past U+10FFFF are not well formed). A value an
// intrinsic returns must be valid UTF-8, or it cannot be serialised into the execution's
// history.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = at(i);
  if (lead < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    n = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    n = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    n = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (i + n > s.size() || at(i + 1) < low || at(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((at(i + k) & 0xc0) != 0x80) return 0;
  }
  return n;
}

bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// The characters of `s` one by one; a byte that starts no well-formed sequence stands alone.
std::vector<std::string_view> utf8_characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = std::max<std::size_t>(1, utf8_sequence_length(s, i));
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

Result<std::string> hash_hex(const std::string& algorithm, const std::string& data) {
  static const std::map<std::string, std::string> kNames = {{"MD5", "MD5"},
                                                            {"SHA-1", "SHA1"},
                                                            {"SHA-256", "SHA256"},
                                                            {"SHA-384", "SHA384"},
                                                            {"SHA-512", "SHA512"}};
  auto it = kNames.find(algorithm);
  if (it == kNames.end())
    return failure("States.Hash", "unknown algorithm '" + algorithm +
                                      "' (use MD5, SHA-1, SHA-256, SHA-384 or SHA-512)");
  const EVP_MD* md = EVP_get_digestbyname(it->second.c_str());
  if (md == nullptr) return failure("States.Hash", "algorithm '" + algorithm + "' unavailable");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, md, nullptr) != 1)
    return failure("States.Hash", "digest failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// How AWS prints a value inside States.Format: a string bare, an object as {key=value, ...}
// and an array as [item, ...] (the toString of Java's maps and lists, applied all the way
// down, so a string inside is bare too), anything else as its JSON text. Keys come in
// nlohmann's sorted order; AWS keeps the order of the document.
void append_format_text(const Json& v, std::string& out) {
  if (v.is_string()) {
    out += v.get_ref<const std::string&>();
  } else if (v.is_object() || v.is_array()) {
    out += v.is_object() ? '{' : '[';
    const char* separator = "";
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += separator;
      separator = ", ";
      if (v.is_object()) out += it.key() + "=";
      append_format_text(it.value(), out);
    }
    out += v.is_object() ? '}' : ']';
  } else {
    out += v.dump();
  }
}

Result<Json> format(const Expr& call, const std::vector<Json>& args) {
  if (call.args.empty() || call.args[0].kind != Expr::Kind::kString)
    return failure(call.function, "the first argument must be a string literal template");
  const std::string& raw = call.args[0].raw;
  std::string out;
  std::size_t next = 1;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 1 < raw.size()) {
      out += raw[++i];
    } else if (raw[i] == '{' && i + 1 < raw.size() && raw[i + 1] == '}') {
      if (next >= args.size())
        return failure(call.function, "more '{}' placeholders than arguments");
      append_format_text(args[next++], out);
      if (out.size() > kMaxPayloadSize)
        return failure(call.function, "the result is longer than " +
                                          std::to_string(kMaxPayloadSize) + " characters");
      ++i;
    } else {
      out += raw[i];
    }
  }
  if (next != args.size()) return failure(call.function, "more arguments than '{}' placeholders");
  return Json(out);
}

Result<Json> call_function(const Expr& call, const Env& env) {
  const std::string& fn = call.function;
  LIFEBOAT_ASSIGN_OR_RETURN(std::vector<Json> a, eval_args(call, env));
  auto str = [&](std::size_t i) { return want_type(call, a[i], i, "a string", a[i].is_string()); };
  auto arr = [&](std::size_t i) { return want_type(call, a[i], i, "an array", a[i].is_array()); };
  auto integer = [&](std::size_t i) {
    return want_type(call, a[i], i, "an integer", is_integer(a[i]));
  };

  if (fn == "States.Format") {
    if (call.args.empty()) return failure(fn, "needs a template");
    return format(call, a);
  }
  if (fn == "States.StringToJson") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 1, 1));
    LIFEBOAT_RETURN_IF_ERROR(str(0));
    // AWS returns null for a string that is empty or only white space.
    const auto& text = a[0].get_ref<const std::string&>();
    if (text.find_first_not_of(" \t\n\r") == std::string::npos) return Json(nullptr);
    Json v = Json::parse(text, nullptr, false);
    if (v.is_discarded()) return failure(fn, "the string is not JSON");
    return v;
  }
  if (fn == "States.JsonToString") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 1, 1));
    return Json(a[0].dump());
  }
  if (fn == "States.Array") return Json(a);
  if (fn == "States.ArrayPartition") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(arr(0));
    LIFEBOAT_RETURN_IF_ERROR(integer(1));
    auto size = as_int(a[1]);
    if (size <= 0) return failure(fn, "the chunk size must be greater than 0");
    if (a[0].size() > kMaxPayloadSize)
      return failure(fn, "the array has more than " + std::to_string(kMaxPayloadSize) + " items");
    const std::size_t n = a[0].size();
    const auto chunk_size = static_cast<std::size_t>(size);
    Json out = Json::array();
    // Written so that i + chunk_size is never formed: a huge size must not wrap around.
    for (std::size_t i = 0; i < n; i += std::min(chunk_size, n - i)) {
      Json chunk = Json::array();
      for (std::size_t j = i; j < n && j - i < chunk_size; ++j) chunk.push_back(a[0][j]);
      out.push_back(std::move(chunk));
    }
    return out;
  }
  if (fn == "States.ArrayContains") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(arr(0));
    return Json(std::find(a[0].begin(), a[0].end(), a[1]) != a[0].end());
  }
  if (fn == "States.ArrayRange") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 3, 3));
    for (std::size_t i = 0; i < 3; ++i) LIFEBOAT_RETURN_IF_ERROR(integer(i));
    auto start = as_int(a[0]);
    auto end = as_int(a[1]);
    auto step = as_int(a[2]);
    if (step == 0) return failure(fn, "the step must not be 0");
    // Count first, in unsigned 64 bits (the distance between two int64 values always fits),
    // and refuse before building anything.
    const bool up = step > 0;
    if (up ? end < start : end > start) return Json::array();
    const std::uint64_t distance =
        up ? static_cast<std::uint64_t>(end) - static_cast<std::uint64_t>(start)
           : static_cast<std::uint64_t>(start) - static_cast<std::uint64_t>(end);
    const std::uint64_t magnitude =
        up ? static_cast<std::uint64_t>(step) : 0 - static_cast<std::uint64_t>(step);
    if (distance / magnitude >= static_cast<std::uint64_t>(kMaxRangeItems))
      return failure(fn, "the range has more than " + std::to_string(kMaxRangeItems) + " items");
    const std::uint64_t count = distance / magnitude + 1;
    Json out = Json::array();
    std::int64_t v = start;
    for (std::uint64_t i = 0; i < count; ++i) {
      out.push_back(v);
      if (i + 1 < count) v += step;  // the next value lies within [start, end]: no overflow
    }
    return out;
  }
  if (fn == "States.ArrayGetItem") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(arr(0));
    LIFEBOAT_RETURN_IF_ERROR(integer(1));
    auto idx = as_int(a[1]);
    if (idx < 0 || static_cast<std::size_t>(idx) >= a[0].size())
      return failure(fn, "index " + std::to_string(idx) + " is out of bounds");
    return a[0][static_cast<std::size_t>(idx)];
  }
  if (fn == "States.ArrayLength") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 1, 1));
    LIFEBOAT_RETURN_IF_ERROR(arr(0));
    return Json(a[0].size());
  }
  if (fn == "States.ArrayUnique") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 1, 1));
    LIFEBOAT_RETURN_IF_ERROR(arr(0));
    if (a[0].size() > kMaxPayloadSize)
      return failure(fn, "the array has more than " + std::to_string(kMaxPayloadSize) + " items");
    // A set, not a linear search per item: a long array must not take quadratic time.
    std::set<Json> seen;
    Json out = Json::array();
    for (const auto& v : a[0])
      if (seen.insert(v).second) out.push_back(v);
    return out;
  }
  if (fn == "States.Base64Encode" || fn == "States.Base64Decode") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 1, 1));
    LIFEBOAT_RETURN_IF_ERROR(str(0));
    const auto& s = a[0].get_ref<const std::string&>();
    if (s.size() > kMaxStringLength) return failure(fn, "the input exceeds 10000 characters");
    if (fn == "States.Base64Encode") return Json(base64_encode(s));
    std::optional<std::string> out = base64_decode(s);
    if (!out) return failure(fn, "the input is not base64");
    if (!is_utf8(*out)) return failure(fn, "the decoded bytes are not UTF-8 text");
    return Json(std::move(*out));
  }
  if (fn == "States.Hash") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(str(1));
    if (a[0].is_string() && a[0].get_ref<const std::string&>().size() > kMaxStringLength)
      return failure(fn, "the input exceeds 10000 characters");
    std::string data = a[0].is_string() ? a[0].get<std::string>() : a[0].dump();
    if (data.size() > kMaxStringLength) return failure(fn, "the input exceeds 10000 characters");
    LIFEBOAT_ASSIGN_OR_RETURN(std::string hex, hash_hex(a[1].get<std::string>(), data));
    return Json(hex);
  }
  if (fn == "States.JsonMerge") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 3, 3));
    LIFEBOAT_RETURN_IF_ERROR(want_type(call, a[0], 0, "an object", a[0].is_object()));
    LIFEBOAT_RETURN_IF_ERROR(want_type(call, a[1], 1, "an object", a[1].is_object()));
    LIFEBOAT_RETURN_IF_ERROR(want_type(call, a[2], 2, "a boolean", a[2].is_boolean()));
    if (a[2].get<bool>()) return failure(fn, "deep merge (true) is not supported; pass false");
    Json out = a[0];
    for (auto it = a[1].begin(); it != a[1].end(); ++it) out[it.key()] = it.value();
    return out;
  }
  if (fn == "States.MathRandom") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 3));
    for (std::size_t i = 0; i < a.size(); ++i) LIFEBOAT_RETURN_IF_ERROR(integer(i));
    auto lo = as_int(a[0]);
    auto hi = as_int(a[1]);
    if (lo < kMinMathInt || hi > kMaxMathInt)
      return failure(fn, "the bounds must be integers from -2147483648 to 2147483647");
    if (hi < lo) return failure(fn, "the end must not be less than the start");
    std::mt19937_64 gen(a.size() == 3 ? static_cast<std::uint64_t>(as_int(a[2]))
                                      : std::random_device{}());
    // Both bounds included: "a random number between 1 and 999" reads that way.
    std::uniform_int_distribution<std::int64_t> dist(lo, hi);
    return Json(dist(gen));
  }
  if (fn == "States.MathAdd") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    std::array<std::int64_t, 2> xy{};
    for (std::size_t i = 0; i < 2; ++i) {
      LIFEBOAT_RETURN_IF_ERROR(want_type(call, a[i], i, "a number", a[i].is_number()));
      std::optional<std::int64_t> n = round_to_math_int(a[i]);
      if (!n) return failure(fn, "the arguments must be numbers from -2147483648 to 2147483647");
      xy[i] = *n;
    }
    const auto [x, y] = xy;
    // Two 32-bit values: the int64 sum cannot overflow; the result must be 32-bit too.
    const std::int64_t sum = x + y;
    if (sum < kMinMathInt || sum > kMaxMathInt)
      return failure(fn,
                     "the sum " + std::to_string(sum) + " is outside -2147483648 to 2147483647");
    return Json(sum);
  }
  if (fn == "States.StringSplit") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(str(0));
    LIFEBOAT_RETURN_IF_ERROR(str(1));
    const auto& s = a[0].get_ref<const std::string&>();
    const auto& delims = a[1].get_ref<const std::string&>();
    if (s.size() > kMaxPayloadSize)
      return failure(
          fn, "the string is longer than " + std::to_string(kMaxPayloadSize) + " characters");
    // Delimiters are characters, not bytes: a byte they share with a multi-byte character
    // of the input must not cut that character in two.
    const std::vector<std::string_view> delimiters = utf8_characters(delims);
    Json out = Json::array();
    std::string cur;
    for (std::string_view ch : utf8_characters(s)) {
      if (std::find(delimiters.begin(), delimiters.end(), ch) != delimiters.end()) {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += ch;
      }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
  }
  if (fn == "States.UUID") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 0, 0));
    return Json(core::new_uuid());
  }
  return failure(fn, "unknown intrinsic function");
}

Result<Json> eval(const Expr& e, const Env& env) {
  switch (e.kind) {
    case Expr::Kind::kLiteral:
    case Expr::Kind::kString:
      return e.literal;
    case Expr::Kind::kPath: {
      auto path = JsonPath::parse(e.path);
      if (!path) return failure("path", path.status().message());
      auto v = path->select(env.input, env.context);
      if (!v) return failure("path", v.status().message());
      return v;
    }
    case Expr::Kind::kCall:
      return call_function(e, env);
  }
  return failure("intrinsic", "unreachable");
}

bool known_function(const std::string& name) {
  static const std::array<const char*, 18> kNames = {
      "States.Format",         "States.StringToJson",  "States.JsonToString", "States.Array",
      "States.ArrayPartition", "States.ArrayContains", "States.ArrayRange",   "States.ArrayGetItem",
      "States.ArrayLength",    "States.ArrayUnique",   "States.Base64Encode", "States.Base64Decode",
      "States.Hash",           "States.JsonMerge",     "States.MathRandom",   "States.MathAdd",
      "States.StringSplit",    "States.UUID"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

// True when `e` uses no path: its value is known before any input arrives.
bool is_static(const Expr& e) {
  if (e.kind == Expr::Kind::kPath) return false;
  return std::all_of(e.args.begin(), e.args.end(), [](const Expr& a) { return is_static(a); });
}

Status check_names(const Expr& e) {
  if (e.kind != Expr::Kind::kCall) return Status::ok();
  if (!known_function(e.function)) return failure(e.function, "unknown intrinsic function");
  for (const auto& a : e.args) LIFEBOAT_RETURN_IF_ERROR(check_names(a));
  return Status::ok();
}

}  // namespace

bool is_intrinsic_call(std::string_view text) {
  return text.rfind("States.", 0) == 0 && text.find('(') != std::string_view::npos;
}

Status check_intrinsic_syntax(std::string_view text) {
  LIFEBOAT_ASSIGN_OR_RETURN(Expr e, Parser(text).parse_all());
  LIFEBOAT_RETURN_IF_ERROR(check_names(e));
  // A call with only literal arguments (e.g. States.ArrayRange(1, 1e9, 1)) fails the same
  // way every time: evaluate it now, so that the definition is refused up front. Each
  // function bounds its own work, so this is cheap.
  if (is_static(e)) {
    const Json nothing = Json::object();
    auto v = eval(e, Env{nothing, nothing});
    if (!v) return v.status();
  }
  return Status::ok();
}

Result<Json> evaluate_intrinsic(std::string_view text, const Json& input, const Json& context) {
  LIFEBOAT_ASSIGN_OR_RETURN(Expr e, Parser(text).parse_all());
  return eval(e, Env{input, context});
}

}  // namespace lifeboat::workflow

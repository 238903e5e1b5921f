#include "workflow/intrinsic_functions.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include "core/ids.h"
#include "workflow/asl_error.h"
#include "workflow/json_path.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;

namespace {

constexpr std::size_t kMaxStringLength = 10000;
constexpr std::size_t kMaxRangeItems = 1000;

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
      return e;
    }
    while (true) {
      LIFEBOAT_ASSIGN_OR_RETURN(Expr arg, parse_arg());
      e.args.push_back(std::move(arg));
      skip_space();
      if (pos_ >= text_.size()) return error("unterminated argument list");
      if (text_[pos_] == ')') {
        ++pos_;
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

// An integer the functions can read as int64 (a larger one, e.g. 1e300, would not convert).
bool is_integer(const Json& v) {
  if (v.is_number_unsigned()) {
    return v.get<std::uint64_t>() <=
           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  }
  if (v.is_number_integer()) return true;
  if (v.is_number_float()) {
    constexpr double kTwoTo63 = 9223372036854775808.0;
    double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d && d >= -kTwoTo63 && d < kTwoTo63;
  }
  return false;
}

std::string base64_encode(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  while (i + 2 < in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
    i += 3;
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
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

bool base64_decode(const std::string& in, std::string& out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = in[i + k];
      if (c == '=' && i + 4 == in.size() && k >= 2) {
        v[k] = 0;
        ++pad;
      } else {
        if (pad > 0) return false;
        v[k] = value(c);
        if (v[k] < 0) return false;
      }
    }
    unsigned n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return true;
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
      const Json& v = args[next++];
      if (v.is_object() || v.is_array())
        return failure(call.function, "argument " + std::to_string(next) +
                                          " must be a string, number, boolean or null");
      out += v.is_string() ? v.get<std::string>() : v.dump();
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
    Json v = Json::parse(a[0].get<std::string>(), nullptr, false);
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
    auto size = a[1].get<std::int64_t>();
    if (size <= 0) return failure(fn, "the chunk size must be greater than 0");
    Json out = Json::array();
    for (std::size_t i = 0; i < a[0].size(); i += static_cast<std::size_t>(size)) {
      Json chunk = Json::array();
      for (std::size_t j = i; j < std::min(a[0].size(), i + static_cast<std::size_t>(size)); ++j)
        chunk.push_back(a[0][j]);
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
    auto start = a[0].get<std::int64_t>();
    auto end = a[1].get<std::int64_t>();
    auto step = a[2].get<std::int64_t>();
    if (step == 0) return failure(fn, "the step must not be 0");
    Json out = Json::array();
    for (std::int64_t v = start; step > 0 ? v <= end : v >= end;) {
      if (out.size() >= kMaxRangeItems) return failure(fn, "more than 1000 items");
      out.push_back(v);
      if (__builtin_add_overflow(v, step, &v)) break;  // the next value is past any end
    }
    return out;
  }
  if (fn == "States.ArrayGetItem") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(arr(0));
    LIFEBOAT_RETURN_IF_ERROR(integer(1));
    auto idx = a[1].get<std::int64_t>();
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
    Json out = Json::array();
    for (const auto& v : a[0])
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    return out;
  }
  if (fn == "States.Base64Encode" || fn == "States.Base64Decode") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 1, 1));
    LIFEBOAT_RETURN_IF_ERROR(str(0));
    const auto& s = a[0].get_ref<const std::string&>();
    if (s.size() > kMaxStringLength) return failure(fn, "the input exceeds 10000 characters");
    if (fn == "States.Base64Encode") return Json(base64_encode(s));
    std::string out;
    if (!base64_decode(s, out)) return failure(fn, "the input is not base64");
    if (!is_utf8(out)) return failure(fn, "the decoded bytes are not UTF-8 text");
    return Json(out);
  }
  if (fn == "States.Hash") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(str(1));
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
    auto lo = a[0].get<std::int64_t>();
    auto hi = a[1].get<std::int64_t>();
    if (hi < lo) return failure(fn, "the end must not be less than the start");
    std::mt19937_64 gen(a.size() == 3 ? static_cast<std::uint64_t>(a[2].get<std::int64_t>())
                                      : std::random_device{}());
    // Both bounds included: "a random number between 1 and 999" reads that way.
    std::uniform_int_distribution<std::int64_t> dist(lo, hi);
    return Json(dist(gen));
  }
  if (fn == "States.MathAdd") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(integer(0));
    LIFEBOAT_RETURN_IF_ERROR(integer(1));
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a[0].get<std::int64_t>(), a[1].get<std::int64_t>(), &sum)) {
      return failure(fn, "the sum does not fit in 64 bits");
    }
    return Json(sum);
  }
  if (fn == "States.StringSplit") {
    LIFEBOAT_RETURN_IF_ERROR(want_args(call, 2, 2));
    LIFEBOAT_RETURN_IF_ERROR(str(0));
    LIFEBOAT_RETURN_IF_ERROR(str(1));
    const auto& s = a[0].get_ref<const std::string&>();
    const auto& delims = a[1].get_ref<const std::string&>();
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
  return check_names(e);
}

Result<Json> evaluate_intrinsic(std::string_view text, const Json& input, const Json& context) {
  LIFEBOAT_ASSIGN_OR_RETURN(Expr e, Parser(text).parse_all());
  return eval(e, Env{input, context});
}

}  // namespace lifeboat::workflow

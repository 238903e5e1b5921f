// Property: a pattern built from an event's own fields always matches that event.
//
// Random events (seeded, so failures reproduce) hold strings with multi-byte UTF-8, '*' and
// '\', numbers in EventBridge's comparable range, booleans, nulls, IPv4/IPv6 addresses,
// nested objects and arrays (of scalars and of objects). For each event several patterns are
// derived from a random subset of its fields, each field tested by an operator chosen at
// random among those that must accept its value (exact, prefix, suffix, equals-ignore-case,
// wildcard, numeric, cidr, exists, anything-but of something else, "$or" with a decoy).
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ingest/event_pattern.h"

namespace lifeboat::ingest {
namespace {

using core::Json;

class Generator {
 public:
  explicit Generator(std::uint32_t seed) : rng_(seed) {}

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin() { return pick(0, 1) == 1; }

  std::string text() {
    static const std::vector<std::string> kPieces = {
        "a",  "b", "Z", "q", "0", "7", "-", ".",  "/", ":",   " ",    "*",
        "\\", "é", "É", "ß", "σ", "Ж", "ж", "中", "😀", "us-", "aws.", "Home"};
    std::string s;
    const int n = pick(0, 12);
    for (int i = 0; i < n; ++i) s += kPieces[pick(0, static_cast<int>(kPieces.size()) - 1)];
    return s;
  }

  std::string ip() {
    if (coin()) {
      return std::to_string(pick(0, 255)) + "." + std::to_string(pick(0, 255)) + "." +
             std::to_string(pick(0, 255)) + "." + std::to_string(pick(0, 255));
    }
    unsigned char b[16];
    for (unsigned char& x : b) x = static_cast<unsigned char>(pick(0, 3) == 0 ? 0 : pick(0, 255));
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, b, buf, sizeof buf);
    return buf;
  }

  Json number() {
    switch (pick(0, 2)) {
      case 0:
        return pick(-4'000'000, 4'000'000);
      case 1:
        return static_cast<double>(pick(-4'000'000, 4'000'000)) * 1000.0;
      default:
        // At most six decimals, as EventBridge compares.
        return static_cast<double>(pick(-400'000'000, 400'000'000)) / 1e6;
    }
  }

  Json scalar() {
    switch (pick(0, 6)) {
      case 0:
      case 1:
        return text();
      case 2:
      case 3:
        return number();
      case 4:
        return coin();
      case 5:
        return nullptr;
      default:
        return ip();
    }
  }

  Json value(int depth) {
    const int kind = pick(0, depth > 2 ? 5 : 8);
    if (kind <= 5) return scalar();
    if (kind == 6) return object(depth + 1);
    Json arr = Json::array();
    const int n = pick(0, 4);
    const bool objects = kind == 8;
    for (int i = 0; i < n; ++i) arr.push_back(objects ? object(depth + 1) : scalar());
    return arr;
  }

  Json object(int depth) {
    Json obj = Json::object();
    const int n = pick(1, 5);
    static const std::vector<std::string> kKeys = {"source",
                                                   "detail",
                                                   "state",
                                                   "id",
                                                   "ip",
                                                   "count",
                                                   "name",
                                                   "$or",
                                                   "prefix",
                                                   "tags",
                                                   "x-limit",
                                                   "resources",
                                                   "requestParameters",
                                                   "userProfileName",
                                                   "a.b"};
    for (int i = 0; i < n; ++i)
      obj[kKeys[pick(0, static_cast<int>(kKeys.size()) - 1)]] = value(depth);
    return obj;
  }

  std::mt19937& rng() { return rng_; }

 private:
  std::mt19937 rng_;
};

bool is_ip(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// Byte offsets where a UTF-8 string may be cut without splitting a character.
std::vector<size_t> boundaries(const std::string& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  return out;
}

std::string flip_ascii_case(const std::string& s, Generator& g) {
  std::string out = s;
  for (char& c : out) {
    if (g.coin() && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) c ^= 0x20;
  }
  return out;
}

// A wildcard pattern that matches `s`: some character runs become '*', literal '*' and '\'
// are escaped, never two '*' in a row.
std::string wildcard_for(const std::string& s, Generator& g) {
  std::string out;
  auto cuts = boundaries(s);
  bool last_was_star = false;
  size_t i = 0;
  auto at_boundary = [&] {
    return i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  };
  while (i < s.size() || (!last_was_star && g.pick(0, 4) == 0)) {
    if (!last_was_star && at_boundary() && g.pick(0, 4) == 0) {
      out += '*';
      last_was_star = true;
      // The star swallows the next 0..3 characters.
      size_t k = 0;
      while (k < cuts.size() && cuts[k] <= i) ++k;
      const int skip = g.pick(0, 3);
      for (int j = 0; j < skip && k < cuts.size(); ++j, ++k) i = cuts[k];
      continue;
    }
    if (i >= s.size()) break;
    const char c = s[i];
    if (c == '*' || c == '\\') out += '\\';
    out += c;
    last_was_star = false;
    ++i;
  }
  return out;
}

// One value-list alternative that must accept the leaf `v`.
Json matching_alternative(const Json& v, Generator& g) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    auto cuts = boundaries(s);
    const size_t cut = cuts[g.pick(0, static_cast<int>(cuts.size()) - 1)];
    switch (g.pick(0, 10)) {
      case 0:
        return {{"prefix", s.substr(0, cut)}};
      case 1:
        return {{"suffix", s.substr(cut)}};
      case 2:
        return {{"prefix", {{"equals-ignore-case", flip_ascii_case(s.substr(0, cut), g)}}}};
      case 3:
        return {{"suffix", {{"equals-ignore-case", flip_ascii_case(s.substr(cut), g)}}}};
      case 4:
        return {{"equals-ignore-case", flip_ascii_case(s, g)}};
      case 5:
        return {{"wildcard", wildcard_for(s, g)}};
      case 6:
        return {{"anything-but", s + "x"}};
      case 7:
        return {{"anything-but", {{"prefix", s + "!"}}}};
      case 8:
        return {{"exists", true}};
      case 9:
        if (is_ip(s)) {
          const bool v4 = s.find(':') == std::string::npos;
          // Any block starting at the address itself contains it (EventBridge's range starts
          // at the address written).
          return {{"cidr", s + "/" + std::to_string(g.pick(0, v4 ? 31 : 127))}};
        }
        return s;
      default:
        return s;
    }
  }
  if (v.is_number()) {
    const double d = v.get<double>();
    // Neighbours of d that still have at most six decimals.
    auto shifted = [d](double delta) { return std::round((d + delta) * 1e6) / 1e6; };
    switch (g.pick(0, 5)) {
      case 0:
        return {{"numeric", {"=", v}}};
      case 1:
        return {{"numeric", {">=", v, "<", shifted(1)}}};
      case 2:
        return {{"numeric", {">", shifted(-1), "<=", v}}};
      case 3:
        return {{"anything-but", {shifted(1), shifted(2)}}};
      case 4:
        return Json(d);  // same number, other spelling
      default:
        return v;
    }
  }
  if (g.coin()) return {{"exists", true}};
  return v;  // true, false, null
}

// A decoy alternative or "$or" branch content: whatever it is, it must not matter.
Json decoy(Generator& g) {
  switch (g.pick(0, 2)) {
    case 0:
      return "no-such-value";
    case 1:
      return {{"numeric", {">", 4'999'000'000.0}}};
    default:
      return {{"prefix", "zzz-never"}};
  }
}

// True when `key`, or a field name nested in the pattern object `field`, is an operator name:
// EventBridge refuses those inside "$or".
bool has_reserved_name(const std::string& key, const Json& field) {
  static const std::vector<std::string> kReserved = {
      "prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric",
      "exists", "cidr"};
  for (const std::string& r : kReserved) {
    if (key == r) return true;
  }
  if (!field.is_object()) return false;
  for (const auto& [k, v] : field.items()) {
    if (has_reserved_name(k, v)) return true;
  }
  return false;
}

// A pattern for `obj` built from its own fields; null when nothing usable was picked.
Json pattern_for(const Json& obj, Generator& g) {
  Json pattern = Json::object();
  for (const auto& [key, value] : obj.items()) {
    if (g.pick(0, 2) == 0) continue;
    Json field;
    if (value.is_object()) {
      field = pattern_for(value, g);
    } else if (value.is_array()) {
      std::vector<const Json*> objects;
      std::vector<const Json*> leaves;
      for (const Json& e : value) (e.is_object() ? objects : leaves).push_back(&e);
      if (!objects.empty()) {
        field = pattern_for(*objects[g.pick(0, static_cast<int>(objects.size()) - 1)], g);
      } else if (!leaves.empty()) {
        field = Json::array(
            {matching_alternative(*leaves[g.pick(0, static_cast<int>(leaves.size()) - 1)], g)});
      }
    } else {
      field = Json::array({matching_alternative(value, g)});
    }
    if (field.is_null() || field.empty()) continue;
    if (field.is_array() && g.coin()) field.push_back(decoy(g));
    if (key == "$or") continue;  // would be read as the operator, not the field
    if (g.pick(0, 5) == 0 && !has_reserved_name(key, field)) {
      // Wrap in an "$or" with a decoy branch.
      Json branch = Json::object();
      branch[key] = field;
      Json other = Json::object();
      other["no-such-field"] = Json::array({decoy(g)});
      if (!pattern.contains("$or")) {
        pattern["$or"] = Json::array({branch, other});
        continue;
      }
    }
    pattern[key] = field;
  }
  // A field no generated event has: {"exists": false} must hold wherever it is asked.
  if (!pattern.empty() && g.pick(0, 4) == 0) pattern["zz-absent"] = {{{"exists", false}}};
  if (pattern.empty()) return nullptr;
  return pattern;
}

TEST(EventPatternProperty, PatternFromAnEventsOwnFieldsMatchesIt) {
  Generator g(20261129);
  int checked = 0;
  for (int i = 0; i < 3000; ++i) {
    Json event = g.object(0);
    for (int k = 0; k < 4; ++k) {
      Json pattern = pattern_for(event, g);
      if (pattern.is_null()) continue;
      auto compiled = EventPattern::compile(pattern);
      // A generated wildcard can be one EventBridge refuses as too complex.
      if (!compiled && compiled.status().message().find("Rule is too complex") != std::string::npos)
        continue;
      ASSERT_TRUE(compiled.is_ok()) << compiled.status().to_string() << "\npattern "
                                    << pattern.dump() << "\nevent " << event.dump();
      ASSERT_TRUE(compiled->matches(event))
          << "pattern " << pattern.dump() << "\nevent " << event.dump();
      ++checked;
    }
  }
  EXPECT_GT(checked, 5000);
}

TEST(EventPatternProperty, ChangingTheOnlyTestedValueBreaksAnExactMatch) {
  Generator g(7);
  for (int i = 0; i < 2000; ++i) {
    const std::string value = g.text();
    Json event = {{"detail", {{"name", value}, {"other", g.scalar()}}}};
    auto compiled = EventPattern::compile(Json{{"detail", {{"name", Json::array({value})}}}});
    ASSERT_TRUE(compiled.is_ok());
    EXPECT_TRUE(compiled->matches(event));
    event["detail"]["name"] = value + "x";
    EXPECT_FALSE(compiled->matches(event)) << value;
  }
}

}  // namespace
}  // namespace lifeboat::ingest

#include "ingest/pattern_value_matcher.h"

#include <string_view>
#include <utility>

#include "ingest/pattern_case_fold.h"
#include "ingest/pattern_number.h"

namespace lifeboat::ingest {
namespace {

// nlohmann's get_ref is the non-copying accessor; the caller checks is_string first.
std::string_view string_of(const core::Json& leaf) noexcept {
  return leaf.get_ref<const std::string&>();
}

}  // namespace

ValueMatcher ValueMatcher::exact(const core::Json& scalar) {
  if (scalar.is_string()) {
    ValueMatcher m(Kind::kExactString);
    m.text_ = scalar.get<std::string>();
    // EventBridge compares IP literals as addresses, so "::1" also matches "0:0:0:0:0:0:0:1".
    IpAddress ip;
    if (parse_ip(m.text_, ip)) m.ip_ = ip;
    return m;
  }
  if (scalar.is_number()) {
    ValueMatcher m(Kind::kExactNumber);
    m.number_ = scalar;
    m.micros_ = comparable_number(scalar);
    return m;
  }
  if (scalar.is_boolean()) {
    ValueMatcher m(Kind::kExactBool);
    m.flag_ = scalar.get<bool>();
    return m;
  }
  return ValueMatcher(Kind::kExactNull);
}

ValueMatcher ValueMatcher::prefix(std::string text, bool ignore_case) {
  ValueMatcher m(ignore_case ? Kind::kPrefixIgnoreCase : Kind::kPrefix);
  if (ignore_case) m.folded_ = fold_text(text);
  m.text_ = std::move(text);
  return m;
}

ValueMatcher ValueMatcher::suffix(std::string text, bool ignore_case) {
  ValueMatcher m(ignore_case ? Kind::kSuffixIgnoreCase : Kind::kSuffix);
  if (ignore_case) m.folded_ = fold_text(text);
  m.text_ = std::move(text);
  return m;
}

ValueMatcher ValueMatcher::equals_ignore_case(const std::string& text) {
  ValueMatcher m(Kind::kEqualsIgnoreCase);
  m.folded_ = fold_text(text);
  m.text_ = text;
  return m;
}

ValueMatcher ValueMatcher::wildcard(WildcardPattern pattern) {
  ValueMatcher m(Kind::kWildcard);
  m.wildcard_ = std::move(pattern);
  return m;
}

ValueMatcher ValueMatcher::numeric(NumericBounds bounds) {
  ValueMatcher m(Kind::kNumeric);
  m.bounds_ = bounds;
  return m;
}

ValueMatcher ValueMatcher::cidr(CidrRange range) {
  ValueMatcher m(Kind::kCidr);
  m.cidr_ = range;
  return m;
}

ValueMatcher ValueMatcher::exists(bool present) {
  ValueMatcher m(Kind::kExists);
  m.flag_ = present;
  return m;
}

ValueMatcher ValueMatcher::anything_but(std::vector<ValueMatcher> excluded) {
  ValueMatcher m(Kind::kAnythingBut);
  m.excluded_ = std::move(excluded);
  return m;
}

bool ValueMatcher::matches(const core::Json& leaf) const noexcept {
  switch (kind_) {
    case Kind::kExactString: {
      if (!leaf.is_string()) return false;
      std::string_view s = string_of(leaf);
      if (s == text_) return true;
      IpAddress ip;
      return ip_.has_value() && parse_ip(s, ip) && ip == *ip_;
    }
    case Kind::kExactNumber: {
      if (!leaf.is_number()) return false;
      if (micros_) {
        auto other = comparable_number(leaf);
        if (other) return *other == *micros_;
      }
      return same_json_number(leaf, number_);
    }
    case Kind::kExactBool:
      return leaf.is_boolean() && leaf.get<bool>() == flag_;
    case Kind::kExactNull:
      return leaf.is_null();
    case Kind::kPrefix:
      return leaf.is_string() && string_of(leaf).starts_with(text_);
    case Kind::kSuffix:
      return leaf.is_string() && string_of(leaf).ends_with(text_);
    case Kind::kPrefixIgnoreCase:
      return leaf.is_string() && starts_with_folded(string_of(leaf), folded_);
    case Kind::kSuffixIgnoreCase:
      return leaf.is_string() && ends_with_folded(string_of(leaf), folded_);
    case Kind::kEqualsIgnoreCase:
      return leaf.is_string() && equals_folded(string_of(leaf), folded_);
    case Kind::kWildcard:
      return leaf.is_string() && wildcard_->matches(string_of(leaf));
    case Kind::kNumeric: {
      auto v = comparable_number(leaf);
      if (!v) return false;
      if (bounds_.low && (bounds_.low_open ? *v <= *bounds_.low : *v < *bounds_.low)) return false;
      if (bounds_.high && (bounds_.high_open ? *v >= *bounds_.high : *v > *bounds_.high)) {
        return false;
      }
      return true;
    }
    case Kind::kCidr: {
      IpAddress ip;
      return leaf.is_string() && parse_ip(string_of(leaf), ip) && cidr_->contains(ip);
    }
    case Kind::kExists:
      return false;
    case Kind::kAnythingBut:
      for (const ValueMatcher& m : excluded_) {
        if (m.matches(leaf)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace lifeboat::ingest

// ValueMatcher: one alternative in an event pattern's value list, compiled.
//
// A pattern field such as `"state": ["running", {"prefix": "stop"}, {"numeric": [">", 5]}]`
// compiles to one ValueMatcher per element; the field matches when any of them matches any
// leaf value the event holds at that path. matches() looks at one leaf (a string, number,
// boolean or null; never an object or array), never throws and does not allocate.
// `exists` is answered by the caller (it is about the path, not a value): see is_exists().
// Immutable after construction: safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "ingest/pattern_ip.h"
#include "ingest/pattern_wildcard.h"

namespace lifeboat::ingest {

//! A numeric interval in millionths (pattern_number.h); a missing bound is unbounded.
struct NumericBounds {
  std::optional<std::int64_t> low;
  bool low_open = false;
  std::optional<std::int64_t> high;
  bool high_open = false;
};

class ValueMatcher {
 public:
  enum class Kind {
    kExactString,
    kExactNumber,
    kExactBool,
    kExactNull,
    kPrefix,
    kPrefixIgnoreCase,
    kSuffix,
    kSuffixIgnoreCase,
    kEqualsIgnoreCase,
    kWildcard,
    kNumeric,
    kCidr,
    kExists,
    kAnythingBut,
  };

  //! Exact match of a JSON string, number, boolean or null (numbers in any spelling).
  static ValueMatcher exact(const core::Json& scalar);
  static ValueMatcher prefix(std::string text, bool ignore_case);
  static ValueMatcher suffix(std::string text, bool ignore_case);
  static ValueMatcher equals_ignore_case(const std::string& text);
  static ValueMatcher wildcard(WildcardPattern pattern);
  static ValueMatcher numeric(NumericBounds bounds);
  static ValueMatcher cidr(CidrRange range);
  static ValueMatcher exists(bool present);
  //! Matches a leaf that none of `excluded` matches.
  static ValueMatcher anything_but(std::vector<ValueMatcher> excluded);

  Kind kind() const noexcept { return kind_; }
  bool is_exists() const noexcept { return kind_ == Kind::kExists; }
  //! For kExists: true for {"exists": true}, false for {"exists": false}.
  bool exists_wanted() const noexcept { return flag_; }

  //! True when the leaf value `leaf` matches (always false for kExists).
  bool matches(const core::Json& leaf) const noexcept;

 private:
  explicit ValueMatcher(Kind kind) : kind_(kind) {}

  Kind kind_;
  std::string text_;                         //!< exact / prefix / suffix text
  std::u32string folded_;                    //!< case-folded text for the ignore-case kinds
  std::optional<IpAddress> ip_;              //!< kExactString that is an IP literal
  core::Json number_;                        //!< kExactNumber as written
  std::optional<std::int64_t> micros_;       //!< kExactNumber in comparable form
  bool flag_ = false;                        //!< kExactBool value, kExists wanted
  NumericBounds bounds_;                     //!< kNumeric
  std::optional<WildcardPattern> wildcard_;  //!< kWildcard
  std::optional<CidrRange> cidr_;            //!< kCidr
  std::vector<ValueMatcher> excluded_;       //!< kAnythingBut
};

}  // namespace lifeboat::ingest

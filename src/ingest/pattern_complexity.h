// The "complexity" of the wildcard patterns that test one event field, as EventBridge
// measures it before it accepts a rule: the largest number of prefixes of those patterns
// that a single value can match at the same time (event-ruler's MachineComplexityEvaluator,
// aws/event-ruler). A prefix ends anywhere in the pattern, after a star or a literal
// character, and is never empty: for "a*bb" the value "abb" matches "a*", "a*b" and
// "a*bb", so the complexity is 3. Identical patterns count once.
//
// EventBridge refuses a rule whose complexity exceeds its limit with "Rule is too complex -
// try using fewer wildcard characters or fewer repeating character sequences after a
// wildcard character". Thread safe; no state.
#pragma once

#include <vector>

#include "ingest/pattern_wildcard.h"

namespace lifeboat::ingest {

//! The highest complexity a field's wildcards may have. AWS does not publish its limit; the
//! patterns it was recorded accepting (complexity 7) and refusing (11) put it between 7 and
//! 10, and event-ruler's README gives 10 as its example of a per-rule limit.
inline constexpr int kMaxWildcardComplexity = 10;

//! The complexity of `patterns` together, or a number above `limit` as soon as it is clear
//! that the complexity exceeds `limit` (it may then be lower than the true value). A set of
//! patterns that would take too much work to measure also gets a number above `limit`.
int wildcard_complexity(const std::vector<WildcardPattern>& patterns, int limit);

//! True when the complexity of `patterns` exceeds kMaxWildcardComplexity.
bool wildcards_too_complex(const std::vector<WildcardPattern>& patterns);

}  // namespace lifeboat::ingest

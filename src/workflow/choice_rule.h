// Choice rules: the boolean expressions of a Choice state (And, Or, Not and the
// comparison operators on a Variable), checked statically and evaluated on an input.
//
// Evaluation: a comparison whose Variable holds a value of another type is false; a
// Variable path that selects nothing is the ASL error States.Runtime, except under
// IsPresent (false then). A …Path operand that selects nothing is States.Runtime too.
// Thread safe (pure functions).
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

//! Static checks of one rule (recursively through And/Or/Not). `top_level` rules must
//! have a Next, nested ones must not. Problems are appended prefixed with `where`.
void check_choice_rule(const core::Json& rule, const std::string& where, bool top_level,
                       std::vector<std::string>& problems);

//! True when `rule` matches.
core::Result<bool> evaluate_choice_rule(const core::Json& rule, const core::Json& input,
                                        const core::Json& context);

//! StringMatches: `*` matches any run of characters, `\*` a literal star, `\\` a backslash.
bool string_matches(const std::string& value, const std::string& pattern);

}  // namespace lifeboat::workflow

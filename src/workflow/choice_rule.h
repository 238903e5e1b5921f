// Choice rules: the boolean expressions of a Choice state (And, Or, Not and the
// comparison operators on a Variable), checked statically and evaluated on an input.
//
// Evaluation: a comparison whose Variable holds a value of another type is false; a
// Variable path that selects nothing is the ASL error States.Runtime, except under
// IsPresent (false then). A …Path operand that selects nothing is States.Runtime too.
//
// ChoiceRule holds a rule with its paths parsed and its operator looked up once (a state
// machine compiles its rules when it is parsed); evaluate_choice_rule compiles and
// evaluates in one go. Immutable; thread safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

//! Static checks of one rule (recursively through And/Or/Not). `top_level` rules must
//! have a Next, nested ones must not. Problems are appended prefixed with `where`.
void check_choice_rule(const core::Json& rule, const std::string& where, bool top_level,
                       std::vector<std::string>& problems);

class ChoiceRule {
 public:
  //! Compiles a rule that passed check_choice_rule; States.Runtime for one that did not
  //! (no operator, a bad path).
  static core::Result<ChoiceRule> compile(const core::Json& rule);
  //! True when the rule matches `input`.
  core::Result<bool> evaluate(const core::Json& input, const core::Json& context) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

//! True when `rule` matches.
core::Result<bool> evaluate_choice_rule(const core::Json& rule, const core::Json& input,
                                        const core::Json& context);

//! StringMatches: `*` matches any run of characters, `\*` a literal star, `\\` a backslash.
bool string_matches(const std::string& value, const std::string& pattern);

}  // namespace lifeboat::workflow

#include "workflow/choice_rule.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "core/time_format.h"
#include "workflow/asl_error.h"
#include "workflow/json_path.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;

namespace {

enum class Family { kString, kNumeric, kTimestamp, kBoolean, kTypeTest, kMatches };

struct Operator {
  const char* name;
  Family family;
  const char* relation;  // "==", "<", ">", "<=", ">=" or "" for tests
};

constexpr std::array<Operator, 23> kOperators = {{
    {"StringEquals", Family::kString, "=="},
    {"StringLessThan", Family::kString, "<"},
    {"StringGreaterThan", Family::kString, ">"},
    {"StringLessThanEquals", Family::kString, "<="},
    {"StringGreaterThanEquals", Family::kString, ">="},
    {"StringMatches", Family::kMatches, ""},
    {"NumericEquals", Family::kNumeric, "=="},
    {"NumericLessThan", Family::kNumeric, "<"},
    {"NumericGreaterThan", Family::kNumeric, ">"},
    {"NumericLessThanEquals", Family::kNumeric, "<="},
    {"NumericGreaterThanEquals", Family::kNumeric, ">="},
    {"BooleanEquals", Family::kBoolean, "=="},
    {"TimestampEquals", Family::kTimestamp, "=="},
    {"TimestampLessThan", Family::kTimestamp, "<"},
    {"TimestampGreaterThan", Family::kTimestamp, ">"},
    {"TimestampLessThanEquals", Family::kTimestamp, "<="},
    {"TimestampGreaterThanEquals", Family::kTimestamp, ">="},
    {"IsNull", Family::kTypeTest, ""},
    {"IsPresent", Family::kTypeTest, ""},
    {"IsNumeric", Family::kTypeTest, ""},
    {"IsString", Family::kTypeTest, ""},
    {"IsBoolean", Family::kTypeTest, ""},
    {"IsTimestamp", Family::kTypeTest, ""},
}};

// Finds the comparison operator `key` names; sets `is_path` for the …Path forms.
const Operator* find_operator(const std::string& key, bool& is_path) {
  is_path = false;
  std::string base = key;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, "Path") == 0) {
    base.resize(base.size() - 4);
    is_path = true;
  }
  for (const auto& op : kOperators) {
    if (base != op.name) continue;
    // Type tests and StringMatches have no …Path form.
    if (is_path && (op.family == Family::kTypeTest || op.family == Family::kMatches))
      return nullptr;
    return &op;
  }
  return nullptr;
}

bool is_timestamp(const Json& v) {
  return v.is_string() && core::parse_rfc3339(v.get<std::string>()).is_ok();
}

template <typename T>
bool relate(const T& a, const T& b, const std::string& rel) {
  if (rel == "==") return a == b;
  if (rel == "<") return a < b;
  if (rel == ">") return a > b;
  if (rel == "<=") return a <= b;
  return a >= b;
}

bool compare(const Operator& op, const Json& v, const Json& operand) {
  switch (op.family) {
    case Family::kString:
      return v.is_string() && operand.is_string() &&
             relate(v.get<std::string>(), operand.get<std::string>(), op.relation);
    case Family::kMatches:
      return v.is_string() && operand.is_string() &&
             string_matches(v.get<std::string>(), operand.get<std::string>());
    case Family::kNumeric:
      if (!v.is_number() || !operand.is_number()) return false;
      if (v.is_number_float() || operand.is_number_float())
        return relate(v.get<double>(), operand.get<double>(), op.relation);
      return relate(v.get<std::int64_t>(), operand.get<std::int64_t>(), op.relation);
    case Family::kBoolean:
      return v.is_boolean() && operand.is_boolean() && v.get<bool>() == operand.get<bool>();
    case Family::kTimestamp: {
      if (!is_timestamp(v) || !is_timestamp(operand)) return false;
      auto a = core::parse_rfc3339(v.get<std::string>()).value();
      auto b = core::parse_rfc3339(operand.get<std::string>()).value();
      return relate(a, b, op.relation);
    }
    case Family::kTypeTest:
      break;
  }
  return false;
}

bool type_test(const std::string& name, const Json& v) {
  if (name == "IsNull") return v.is_null();
  if (name == "IsNumeric") return v.is_number();
  if (name == "IsString") return v.is_string();
  if (name == "IsBoolean") return v.is_boolean();
  if (name == "IsTimestamp") return is_timestamp(v);
  return true;  // IsPresent, once the value was found
}

bool operand_type_ok(const Operator& op, const Json& operand) {
  switch (op.family) {
    case Family::kString:
    case Family::kMatches:
      return operand.is_string();
    case Family::kNumeric:
      return operand.is_number();
    case Family::kBoolean:
    case Family::kTypeTest:
      return operand.is_boolean();
    case Family::kTimestamp:
      return is_timestamp(operand);
  }
  return false;
}

const char* operand_type_name(const Operator& op) {
  switch (op.family) {
    case Family::kString:
    case Family::kMatches:
      return "a string";
    case Family::kNumeric:
      return "a number";
    case Family::kBoolean:
    case Family::kTypeTest:
      return "a boolean";
    case Family::kTimestamp:
      return "an RFC 3339 timestamp string";
  }
  return "a value";
}

}  // namespace

bool string_matches(const std::string& value, const std::string& pattern) {
  // Tokenise the pattern into literal characters and unescaped stars, then match with
  // the classic greedy-with-backtrack wildcard algorithm.
  std::vector<int> tokens;  // -1 = star, otherwise the literal char
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\' && i + 1 < pattern.size()) {
      tokens.push_back(static_cast<unsigned char>(pattern[++i]));
    } else if (pattern[i] == '*') {
      tokens.push_back(-1);
    } else {
      tokens.push_back(static_cast<unsigned char>(pattern[i]));
    }
  }
  std::size_t v = 0;
  std::size_t t = 0;
  std::size_t star = std::string::npos;
  std::size_t mark = 0;
  while (v < value.size()) {
    if (t < tokens.size() && tokens[t] == static_cast<unsigned char>(value[v])) {
      ++v;
      ++t;
    } else if (t < tokens.size() && tokens[t] == -1) {
      star = t++;
      mark = v;
    } else if (star != std::string::npos) {
      t = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t] == -1) ++t;
  return t == tokens.size();
}

void check_choice_rule(const Json& rule, const std::string& where, bool top_level,
                       std::vector<std::string>& problems) {
  if (!rule.is_object()) {
    problems.push_back(where + ": a choice rule must be an object");
    return;
  }
  if (top_level && !rule.contains("Next"))
    problems.push_back(where + ": field 'Next' is required in a top-level choice rule");
  if (!top_level && rule.contains("Next"))
    problems.push_back(where + ": field 'Next' is only allowed in a top-level choice rule");
  if (rule.contains("Next") && !rule["Next"].is_string())
    problems.push_back(where + ": field 'Next' must be a string");
  int operators = 0;
  for (auto it = rule.begin(); it != rule.end(); ++it) {
    const std::string& key = it.key();
    if (key == "Next" || key == "Comment" || key == "Variable") continue;
    const Json& val = it.value();
    if (key == "And" || key == "Or") {
      ++operators;
      if (!val.is_array() || val.empty()) {
        problems.push_back(where + ": field '" + key + "' must be a non-empty array of rules");
        continue;
      }
      if (rule.contains("Variable"))
        problems.push_back(where + ": field 'Variable' is not allowed beside '" + key + "'");
      for (std::size_t i = 0; i < val.size(); ++i)
        check_choice_rule(val[i], where + "." + key + "[" + std::to_string(i) + "]", false,
                          problems);
      continue;
    }
    if (key == "Not") {
      ++operators;
      if (rule.contains("Variable"))
        problems.push_back(where + ": field 'Variable' is not allowed beside 'Not'");
      check_choice_rule(val, where + ".Not", false, problems);
      continue;
    }
    bool is_path = false;
    const Operator* op = find_operator(key, is_path);
    if (op == nullptr) {
      problems.push_back(where + ": unknown field '" + key + "'");
      continue;
    }
    ++operators;
    if (!rule.contains("Variable")) {
      problems.push_back(where + ": field 'Variable' is required with '" + key + "'");
    }
    if (is_path) {
      if (!val.is_string() || !JsonPath::parse(val.get<std::string>()).is_ok() ||
          !JsonPath::parse(val.get<std::string>())->is_reference())
        problems.push_back(where + ": field '" + key + "' must be a reference path");
    } else if (!operand_type_ok(*op, val)) {
      problems.push_back(where + ": field '" + key + "' must be " + operand_type_name(*op));
    }
  }
  if (rule.contains("Variable")) {
    const Json& var = rule["Variable"];
    if (!var.is_string() || !JsonPath::parse(var.get<std::string>()).is_ok() ||
        !JsonPath::parse(var.get<std::string>())->is_reference())
      problems.push_back(where + ": field 'Variable' must be a reference path");
  }
  if (operators == 0)
    problems.push_back(where + ": no comparison operator (e.g. StringEquals) and no And/Or/Not");
  if (operators > 1) problems.push_back(where + ": more than one comparison operator in one rule");
}

// A compiled rule: And/Or over sub-rules, Not of one, or one comparison of the Variable.
struct ChoiceRule::Node {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  std::vector<Node> rules;  // kAnd, kOr; kNot: exactly one
  // kCompare:
  JsonPath variable;
  std::string op_key;  // e.g. "StringEqualsPath"
  const Operator* op = nullptr;
  bool operand_is_path = false;
  Json operand;           // the literal operand
  JsonPath operand_path;  // the …Path operand
};

namespace {

Result<ChoiceRule::Node> compile_node(const Json& rule) {
  using Node = ChoiceRule::Node;
  Node node;
  for (const char* logical : {"And", "Or"}) {
    if (!rule.contains(logical)) continue;
    node.kind = std::string(logical) == "And" ? Node::Kind::kAnd : Node::Kind::kOr;
    for (const auto& r : rule[logical]) {
      LIFEBOAT_ASSIGN_OR_RETURN(Node child, compile_node(r));
      node.rules.push_back(std::move(child));
    }
    return node;
  }
  if (rule.contains("Not")) {
    node.kind = Node::Kind::kNot;
    LIFEBOAT_ASSIGN_OR_RETURN(Node child, compile_node(rule["Not"]));
    node.rules.push_back(std::move(child));
    return node;
  }
  auto var_path = JsonPath::parse(rule.value("Variable", std::string("$")));
  if (!var_path) return asl_error(kErrRuntime, var_path.status().message());
  node.variable = std::move(var_path).value();
  for (auto it = rule.begin(); it != rule.end(); ++it) {
    bool is_path = false;
    const Operator* op = find_operator(it.key(), is_path);
    if (op == nullptr) continue;
    node.op_key = it.key();
    node.op = op;
    node.operand_is_path = is_path;
    if (is_path ? !it.value().is_string()
                : op->family == Family::kTypeTest && !it.value().is_boolean())
      return asl_error(kErrRuntime,
                       "Choice rule " + it.key() + ": bad operand " + it.value().dump());
    if (is_path) {
      auto p = JsonPath::parse(it.value().get<std::string>());
      if (!p) return asl_error(kErrRuntime, p.status().message());
      node.operand_path = std::move(p).value();
    } else {
      node.operand = it.value();
    }
    return node;
  }
  return asl_error(kErrRuntime, "Choice rule has no comparison operator");
}

Result<bool> evaluate_node(const ChoiceRule::Node& node, const Json& input, const Json& context) {
  using Kind = ChoiceRule::Node::Kind;
  switch (node.kind) {
    case Kind::kAnd:
      for (const auto& r : node.rules) {
        LIFEBOAT_ASSIGN_OR_RETURN(bool m, evaluate_node(r, input, context));
        if (!m) return false;
      }
      return true;
    case Kind::kOr:
      for (const auto& r : node.rules) {
        LIFEBOAT_ASSIGN_OR_RETURN(bool m, evaluate_node(r, input, context));
        if (m) return true;
      }
      return false;
    case Kind::kNot: {
      LIFEBOAT_ASSIGN_OR_RETURN(bool m, evaluate_node(node.rules.front(), input, context));
      return !m;
    }
    case Kind::kCompare:
      break;
  }
  auto value = node.variable.select(input, context);
  if (node.op->family == Family::kTypeTest) {
    bool expected = node.operand.get<bool>();
    if (!value) {
      if (node.op_key == "IsPresent") return !expected;
      return asl_error(kErrRuntime, "Choice rule Variable: " + value.status().message());
    }
    return type_test(node.op_key, *value) == expected;
  }
  if (!value) return asl_error(kErrRuntime, "Choice rule Variable: " + value.status().message());
  if (!node.operand_is_path) return compare(*node.op, *value, node.operand);
  auto o = node.operand_path.select(input, context);
  if (!o) return asl_error(kErrRuntime, "Choice rule " + node.op_key + ": " + o.status().message());
  return compare(*node.op, *value, *o);
}

}  // namespace

Result<ChoiceRule> ChoiceRule::compile(const Json& rule) {
  LIFEBOAT_ASSIGN_OR_RETURN(Node root, compile_node(rule));
  ChoiceRule r;
  r.root_ = std::make_shared<const Node>(std::move(root));
  return r;
}

Result<bool> ChoiceRule::evaluate(const Json& input, const Json& context) const {
  return evaluate_node(*root_, input, context);
}

Result<bool> evaluate_choice_rule(const Json& rule, const Json& input, const Json& context) {
  LIFEBOAT_ASSIGN_OR_RETURN(ChoiceRule compiled, ChoiceRule::compile(rule));
  return compiled.evaluate(input, context);
}

}  // namespace lifeboat::workflow

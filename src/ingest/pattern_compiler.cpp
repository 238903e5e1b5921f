#include "ingest/pattern_compiler.h"

#include <array>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "ingest/pattern_complexity.h"
#include "ingest/pattern_number.h"

namespace lifeboat::ingest {
namespace {

constexpr std::string_view kOr = "$or";

// Objects (and "$or" branches) nested deeper than this are refused: no real event is that
// deep, and it bounds the recursion of compiling and matching on hostile input.
constexpr int kMaxDepth = 64;

// The match-expression names. Inside "$or" EventBridge refuses them as field names, since
// there a field called "prefix" would almost certainly be a misplaced operator.
constexpr std::array<std::string_view, 8> kOperators = {
    "prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric",
    "exists", "cidr"};

bool is_operator_name(std::string_view key) {
  for (std::string_view op : kOperators) {
    if (op == key) return true;
  }
  return false;
}

core::Status invalid(const std::string& where, std::string_view reason) {
  return core::Status::invalid_argument(
      fmt::format("invalid event pattern at {}: {}", where.empty() ? "top level" : where, reason));
}

std::string join(const std::string& where, std::string_view key) {
  return where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
}

// EventBridge joins nested keys with dots before it matches, so a key with dots names a
// path: "a.b" is the same field as "a": {"b"}. Appends the key's dot-separated segments to
// `path` and returns how many there are.
size_t append_segments(std::string_view key, std::vector<std::string>& path) {
  size_t count = 1;
  for (size_t dot = key.find('.'); dot != std::string_view::npos; dot = key.find('.')) {
    path.emplace_back(key.substr(0, dot));
    key.remove_prefix(dot + 1);
    ++count;
  }
  path.emplace_back(key);
  return count;
}

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) out += (i == 0 ? "" : ".") + path[i];
  return out;
}

std::string json_type(const core::Json& v) { return v.type_name(); }

// JSON text of a pattern piece for a message; never throws on broken UTF-8.
std::string show(const core::Json& v) {
  return v.dump(-1, ' ', false, core::Json::error_handler_t::replace);
}

// A number EventBridge can compare, in millionths, or the reason it is not one.
core::Result<std::int64_t> comparable_or_error(const core::Json& v, const std::string& where,
                                               std::string_view what) {
  if (!v.is_number()) {
    return invalid(where, fmt::format("{} must be a number, not {}", what, json_type(v)));
  }
  auto micros = comparable_number(v);
  if (!micros) {
    return invalid(where, fmt::format("{} {} is outside what EventBridge compares: numbers must "
                                      "be between -5.0e9 and 5.0e9 with at most six decimals",
                                      what, show(v)));
  }
  return *micros;
}

}  // namespace

core::Result<ObjectNode> PatternCompiler::compile(const core::Json& pattern) {
  if (!pattern.is_object()) {
    return core::Status::invalid_argument(
        fmt::format("invalid event pattern: it must be a JSON object such as "
                    "{{\"source\": [\"aws.sagemaker\"]}}, not {}",
                    json_type(pattern)));
  }
  PatternCompiler compiler;
  LIFEBOAT_ASSIGN_OR_RETURN(ObjectNode root, compiler.compile_object(pattern, "", false));
  LIFEBOAT_RETURN_IF_ERROR(compiler.check_complexity());
  return root;
}

core::Result<WildcardPattern> PatternCompiler::compile_wildcard(const std::string& text,
                                                                const std::string& where) {
  auto w = WildcardPattern::parse(text);
  if (!w) return invalid(where, w.status().message());
  wildcards_[field_].push_back(*w);
  return w;
}

core::Status PatternCompiler::check_complexity() const {
  for (const auto& [field, patterns] : wildcards_) {
    if (wildcards_too_complex(patterns)) {
      return invalid(field, fmt::format("Rule is too complex - try using fewer wildcard "
                                        "characters or fewer repeating character sequences "
                                        "after a wildcard character (a value can match more "
                                        "than {} prefixes of this field's wildcards at once)",
                                        kMaxWildcardComplexity));
    }
  }
  return core::Status::ok();
}

core::Result<ObjectNode> PatternCompiler::compile_object(const core::Json& obj,
                                                         const std::string& where, bool inside_or) {
  if (obj.empty()) {
    return invalid(where, "empty objects are not allowed: name at least one field to match");
  }
  if (depth_ >= kMaxDepth) {
    return invalid(where, fmt::format("the pattern nests deeper than {} levels", kMaxDepth));
  }
  ++depth_;
  auto node = compile_fields(obj, where, inside_or);
  --depth_;
  return node;
}

core::Result<ObjectNode> PatternCompiler::compile_fields(const core::Json& obj,
                                                         const std::string& where, bool inside_or) {
  ObjectNode node;
  for (const auto& [key, value] : obj.items()) {
    const std::string here = join(where, key);
    if (key == kOr) {
      LIFEBOAT_RETURN_IF_ERROR(compile_or(value, here, node));
      continue;
    }
    if (inside_or && is_operator_name(key)) {
      return invalid(here, fmt::format("\"{}\" is a reserved word and cannot be a field name "
                                       "inside \"$or\"; put operators inside a value list, as "
                                       "in \"field\": [{{\"{}\": ...}}]",
                                       key, key));
    }
    FieldNode field;
    field.key = key;
    field.path = path_;
    const size_t segments = append_segments(key, field.path);
    // Dotted keys make paths without nesting; they are bounded like nesting, since matching
    // recurses along them.
    if (field.path.size() > static_cast<size_t>(kMaxDepth)) {
      return invalid(here, fmt::format("the path is more than {} keys long (counting the parts "
                                       "of keys with dots)",
                                       kMaxDepth));
    }
    if (value.is_object()) {
      append_segments(key, path_);
      auto child = compile_object(value, here, inside_or);
      path_.resize(path_.size() - segments);
      if (!child) return child.status();
      field.child = std::make_unique<ObjectNode>(std::move(child).value());
    } else if (value.is_array()) {
      field_ = dotted(field.path);
      LIFEBOAT_ASSIGN_OR_RETURN(field.values, compile_values(value, here));
    } else if (is_operator_name(key)) {
      return invalid(here, fmt::format("the operator \"{}\" must be inside a value list: write "
                                       "\"{}\": [{{\"{}\": {}}}] under the field it tests",
                                       key, where.empty() ? "field" : where, key, show(value)));
    } else {
      return invalid(here, fmt::format("the value of a field must be an array of values to "
                                       "match (e.g. [{}]) or a nested object, not {}",
                                       show(value), json_type(value)));
    }
    node.fields.push_back(std::move(field));
  }
  return node;
}

core::Status PatternCompiler::compile_or(const core::Json& branches, const std::string& where,
                                         ObjectNode& node) {
  if (!branches.is_array()) {
    return invalid(where, "\"$or\" must be followed by an array of at least two pattern objects");
  }
  if (branches.size() < 2) {
    return invalid(where, "\"$or\" needs at least two pattern objects to choose between");
  }
  std::vector<ObjectNode> compiled;
  for (size_t i = 0; i < branches.size(); ++i) {
    const std::string here = fmt::format("{}[{}]", where, i);
    if (!branches[i].is_object()) {
      return invalid(here, fmt::format("only JSON objects are allowed in a \"$or\" array, not {}",
                                       json_type(branches[i])));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(auto branch, compile_object(branches[i], here, true));
    compiled.push_back(std::move(branch));
  }
  node.any_of.push_back(std::move(compiled));
  return core::Status::ok();
}

core::Result<std::vector<ValueMatcher>> PatternCompiler::compile_values(const core::Json& list,
                                                                        const std::string& where) {
  if (list.empty()) {
    return invalid(where, "empty arrays are not allowed: list at least one value to match");
  }
  std::vector<ValueMatcher> out;
  out.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const core::Json& v = list[i];
    const std::string here = fmt::format("{}[{}]", where, i);
    if (v.is_object()) {
      LIFEBOAT_ASSIGN_OR_RETURN(auto m, compile_operator(v, here));
      out.push_back(std::move(m));
    } else if (v.is_array()) {
      return invalid(here,
                     "a match value must be a string, number, true, false, null or an "
                     "operator object; nested arrays are not allowed");
    } else {
      out.push_back(ValueMatcher::exact(v));
    }
  }
  return out;
}

core::Result<ValueMatcher> PatternCompiler::compile_operator(const core::Json& expr,
                                                             const std::string& where) {
  if (expr.empty()) {
    return invalid(where,
                   "empty match expression: expected an operator such as {\"prefix\": "
                   "\"...\"}");
  }
  if (expr.size() > 1) {
    return invalid(
        where, fmt::format("only one key is allowed in a match expression; found {}", expr.size()));
  }
  const std::string& op = expr.begin().key();
  const core::Json& arg = expr.begin().value();
  const std::string here = join(where, op);

  if (op == "prefix" || op == "suffix") {
    const bool is_prefix = op == "prefix";
    if (arg.is_string()) {
      return is_prefix ? ValueMatcher::prefix(arg.get<std::string>(), false)
                       : ValueMatcher::suffix(arg.get<std::string>(), false);
    }
    if (arg.is_object()) {
      if (arg.size() != 1 || !arg.contains("equals-ignore-case")) {
        return invalid(here, fmt::format("the only option of {} is equals-ignore-case, as in "
                                         "{{\"{}\": {{\"equals-ignore-case\": \"...\"}}}}",
                                         op, op));
      }
      const core::Json& text = arg["equals-ignore-case"];
      if (!text.is_string()) {
        return invalid(join(here, "equals-ignore-case"),
                       fmt::format("must be a string, not {}", json_type(text)));
      }
      return is_prefix ? ValueMatcher::prefix(text.get<std::string>(), true)
                       : ValueMatcher::suffix(text.get<std::string>(), true);
    }
    return invalid(here, fmt::format("{} must be a string, not {}", op, json_type(arg)));
  }
  if (op == "equals-ignore-case") {
    if (!arg.is_string()) {
      return invalid(here, fmt::format("must be a string, not {}", json_type(arg)));
    }
    return ValueMatcher::equals_ignore_case(arg.get<std::string>());
  }
  if (op == "wildcard") {
    if (!arg.is_string()) {
      return invalid(here, fmt::format("must be a string, not {}", json_type(arg)));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(auto w, compile_wildcard(arg.get<std::string>(), here));
    return ValueMatcher::wildcard(std::move(w));
  }
  if (op == "anything-but") return compile_anything_but(arg, here);
  if (op == "numeric") return compile_numeric(arg, here);
  if (op == "exists") {
    if (!arg.is_boolean()) {
      return invalid(here, fmt::format("exists must be true or false, not {}", show(arg)));
    }
    return ValueMatcher::exists(arg.get<bool>());
  }
  if (op == "cidr") {
    if (!arg.is_string()) {
      return invalid(
          here, fmt::format("must be a string such as \"10.0.0.0/24\", not {}", json_type(arg)));
    }
    auto range = CidrRange::parse(arg.get<std::string>());
    if (!range) return invalid(here, range.status().message());
    return ValueMatcher::cidr(*range);
  }
  return invalid(where, fmt::format("unrecognized match type \"{}\" (known: prefix, suffix, "
                                    "equals-ignore-case, wildcard, anything-but, numeric, "
                                    "exists, cidr)",
                                    op));
}

core::Result<ValueMatcher> PatternCompiler::compile_anything_but(const core::Json& arg,
                                                                 const std::string& where) {
  std::vector<ValueMatcher> excluded;
  if (arg.is_string()) {
    excluded.push_back(ValueMatcher::exact(arg));
  } else if (arg.is_number()) {
    LIFEBOAT_RETURN_IF_ERROR(comparable_or_error(arg, where, "the value").status());
    excluded.push_back(ValueMatcher::exact(arg));
  } else if (arg.is_array()) {
    if (arg.empty()) return invalid(where, "the anything-but list must not be empty");
    size_t strings = 0;
    for (size_t i = 0; i < arg.size(); ++i) {
      const core::Json& v = arg[i];
      const std::string here = fmt::format("{}[{}]", where, i);
      if (v.is_string()) {
        ++strings;
      } else if (v.is_number()) {
        LIFEBOAT_RETURN_IF_ERROR(comparable_or_error(v, here, "the value").status());
      } else {
        return invalid(here, fmt::format("an anything-but list holds only strings or only "
                                         "numbers, not {}",
                                         json_type(v)));
      }
      excluded.push_back(ValueMatcher::exact(v));
    }
    if (strings != 0 && strings != arg.size()) {
      return invalid(where, "an anything-but list must be all strings or all numbers, not a mix");
    }
  } else if (arg.is_object()) {
    if (arg.size() != 1) {
      return invalid(where,
                     "anything-but takes one of equals-ignore-case, prefix, suffix or "
                     "wildcard, as in {\"anything-but\": {\"prefix\": \"init\"}}");
    }
    const std::string& op = arg.begin().key();
    const core::Json& value = arg.begin().value();
    const std::string here = join(where, op);
    if (op != "equals-ignore-case" && op != "prefix" && op != "suffix" && op != "wildcard") {
      return invalid(here, fmt::format("unsupported anything-but pattern \"{}\" (use "
                                       "equals-ignore-case, prefix, suffix or wildcard)",
                                       op));
    }
    std::vector<const core::Json*> texts;
    if (value.is_string()) {
      texts.push_back(&value);
    } else if (value.is_array() && !value.empty()) {
      for (const core::Json& v : value) texts.push_back(&v);
    } else {
      return invalid(here, fmt::format("must be a string or a non-empty list of strings, not {}",
                                       show(value)));
    }
    for (const core::Json* t : texts) {
      if (!t->is_string()) {
        return invalid(here, fmt::format("must hold only strings, not {}", show(*t)));
      }
      std::string text = t->get<std::string>();
      if (op == "equals-ignore-case") {
        excluded.push_back(ValueMatcher::equals_ignore_case(text));
      } else if (op == "wildcard") {
        LIFEBOAT_ASSIGN_OR_RETURN(auto w, compile_wildcard(text, here));
        excluded.push_back(ValueMatcher::wildcard(std::move(w)));
      } else if (text.empty()) {
        return invalid(here, fmt::format("an empty {} is not allowed in anything-but", op));
      } else if (op == "prefix") {
        excluded.push_back(ValueMatcher::prefix(std::move(text), false));
      } else {
        excluded.push_back(ValueMatcher::suffix(std::move(text), false));
      }
    }
  } else {
    return invalid(where, fmt::format("anything-but takes a string, a number, a list of strings "
                                      "or numbers, or an object; not {}",
                                      show(arg)));
  }
  return ValueMatcher::anything_but(std::move(excluded));
}

core::Result<ValueMatcher> PatternCompiler::compile_numeric(const core::Json& arg,
                                                            const std::string& where) {
  constexpr std::string_view kShape =
      "numeric takes [\"=\", N], [\"<\" or \"<=\", N], [\">\" or \">=\", N], or a range "
      "[\">\" or \">=\", LOW, \"<\" or \"<=\", HIGH]";
  if (!arg.is_array() || arg.empty() || !arg[0].is_string()) {
    return invalid(where, fmt::format("{}; got {}", kShape, show(arg)));
  }
  const std::string op = arg[0].get<std::string>();
  if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=") {
    return invalid(where, fmt::format("unrecognized numeric operator \"{}\"; {}", op, kShape));
  }
  if (arg.size() < 2) return invalid(where, fmt::format("\"{}\" needs a number after it", op));
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t first,
                            comparable_or_error(arg[1], where, fmt::format("the value of {}", op)));
  NumericBounds bounds;
  if (op == "=" || op == "<" || op == "<=") {
    if (arg.size() != 2) {
      return invalid(where, fmt::format("too many elements in numeric expression; {}", kShape));
    }
    if (op == "=") {
      bounds.low = first;
      bounds.high = first;
    } else {
      bounds.high = first;
      bounds.high_open = op == "<";
    }
    return ValueMatcher::numeric(bounds);
  }
  bounds.low = first;
  bounds.low_open = op == ">";
  if (arg.size() == 2) return ValueMatcher::numeric(bounds);
  if (!arg[2].is_string() || (arg[2] != "<" && arg[2] != "<=")) {
    return invalid(where, fmt::format("bad numeric range operator {}: a lower bound must be "
                                      "followed by \"<\" or \"<=\"",
                                      show(arg[2])));
  }
  const std::string top_op = arg[2].get<std::string>();
  if (arg.size() < 4) return invalid(where, fmt::format("\"{}\" needs a number after it", top_op));
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::int64_t second,
      comparable_or_error(arg[3], where, fmt::format("the value of {}", top_op)));
  if (arg.size() != 4) {
    return invalid(where, fmt::format("too many terms in numeric range expression; {}", kShape));
  }
  if (first >= second) {
    return invalid(where, fmt::format("bad numeric range: the lower bound {} must be less than "
                                      "the upper bound {}",
                                      show(arg[1]), show(arg[3])));
  }
  bounds.high = second;
  bounds.high_open = top_op == "<";
  return ValueMatcher::numeric(bounds);
}

}  // namespace lifeboat::ingest

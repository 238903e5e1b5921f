// PatternCompiler: checks an EventBridge event pattern against the rules of the EventBridge
// user guide and compiles it into an ObjectNode tree (pattern_node.h).
//
// Invalid patterns give InvalidArgument whose message names where in the pattern the problem
// is (e.g. `detail.state[1]`, `$or[0].source`) and which rule it breaks. Stateless apart from
// the path being compiled: use one instance per compilation (compile() is static).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "ingest/pattern_node.h"
#include "ingest/pattern_wildcard.h"

namespace lifeboat::ingest {

class PatternCompiler {
 public:
  //! Compiles `pattern` (a JSON object) or says why it is not a valid event pattern.
  static core::Result<ObjectNode> compile(const core::Json& pattern);

 private:
  PatternCompiler() = default;

  core::Result<ObjectNode> compile_object(const core::Json& obj, const std::string& where,
                                          bool inside_or);
  core::Result<ObjectNode> compile_fields(const core::Json& obj, const std::string& where,
                                          bool inside_or);
  core::Status compile_or(const core::Json& branches, const std::string& where, ObjectNode& node);
  core::Result<std::vector<ValueMatcher>> compile_values(const core::Json& list,
                                                         const std::string& where);
  core::Result<ValueMatcher> compile_operator(const core::Json& expr, const std::string& where);
  core::Result<ValueMatcher> compile_anything_but(const core::Json& arg, const std::string& where);
  core::Result<ValueMatcher> compile_numeric(const core::Json& arg, const std::string& where);
  //! Parses a wildcard of the field being compiled and keeps a copy for check_complexity().
  core::Result<WildcardPattern> compile_wildcard(const std::string& text, const std::string& where);
  //! Refuses the pattern when a field's wildcards are too complex (pattern_complexity.h).
  core::Status check_complexity() const;

  //! Event keys from the root to the object being compiled ("$or" levels are not keys).
  std::vector<std::string> path_;
  //! How many objects deep the compilation is.
  int depth_ = 0;
  //! The event field whose value list is being compiled, its keys joined with '.'.
  std::string field_;
  //! Every wildcard (plain or in anything-but), by event field ("$or" branches together).
  std::map<std::string, std::vector<WildcardPattern>> wildcards_;
};

}  // namespace lifeboat::ingest

// StateMachine: a parsed, valid Amazon States Language definition.
//
// parse() runs the validator (state_machine_validator.h) in syntax-only mode, then builds
// the typed states (state.h) once: every path, payload template and choice rule the
// executor will run is parsed here, not at each step. Immutable after parse(); thread safe;
// cheap to copy (shares the definition and the states).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "workflow/state.h"

namespace lifeboat::workflow {

class TaskResourceRegistry;

class StateMachine {
 public:
  //! Parses a definition object. On failure the message lists every problem, one a line.
  static core::Result<StateMachine> parse(const core::Json& definition);
  //! Parses JSON text (`what` names it in errors, e.g. the file name).
  static core::Result<StateMachine> parse_text(std::string_view text, std::string_view what);

  //! Every problem with `definition`, one line each, naming the state and field. With
  //! `syntax_only` (or a null registry) Task Resources are not looked up in `registry`.
  static std::vector<std::string> validate(const core::Json& definition,
                                           const TaskResourceRegistry* registry, bool syntax_only);

  const core::Json& definition() const { return parsed_->definition; }
  const std::string& start_at() const { return parsed_->start_at; }
  //! The state named `name`, or null.
  const State* state(const std::string& name) const;
  //! The machine-level TimeoutSeconds, if set.
  std::optional<std::int64_t> timeout_seconds() const { return parsed_->timeout_seconds; }

 private:
  struct Parsed {
    core::Json definition;
    std::string start_at;
    std::optional<std::int64_t> timeout_seconds;
    std::map<std::string, State, std::less<>> states;
  };
  std::shared_ptr<const Parsed> parsed_;
};

}  // namespace lifeboat::workflow

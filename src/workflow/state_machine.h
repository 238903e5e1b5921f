// StateMachine: a parsed, syntactically valid Amazon States Language definition.
//
// The definition stays JSON (the interpreter reads fields as it runs them); parse()
// guarantees that every field the interpreter reads has the right shape, by running the
// validator (state_machine_validator.h) in syntax-only mode. Immutable after parse();
// thread safe; cheap to copy (shares the JSON).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/result.h"

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

  const core::Json& definition() const { return *definition_; }
  const std::string& start_at() const { return start_at_; }
  //! The state named `name`, or null.
  const core::Json* state(const std::string& name) const;
  //! The machine-level TimeoutSeconds, if set.
  std::optional<std::int64_t> timeout_seconds() const;

 private:
  std::shared_ptr<const core::Json> definition_;
  std::string start_at_;
};

}  // namespace lifeboat::workflow

#include "workflow/state_machine.h"

#include "workflow/state_machine_validator.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;

Result<StateMachine> StateMachine::parse(const Json& definition) {
  auto problems = validate(definition, nullptr, true);
  if (!problems.empty()) {
    std::string msg = "invalid state machine definition:";
    for (const auto& p : problems) msg += "\n  " + p;
    return Status::invalid_argument(msg);
  }
  StateMachine sm;
  sm.definition_ = std::make_shared<const Json>(definition);
  sm.start_at_ = definition["StartAt"].get<std::string>();
  return sm;
}

Result<StateMachine> StateMachine::parse_text(std::string_view text, std::string_view what) {
  LIFEBOAT_ASSIGN_OR_RETURN(Json j, core::parse_json(text, what));
  return parse(j);
}

std::vector<std::string> StateMachine::validate(const Json& definition,
                                                const TaskResourceRegistry* registry,
                                                bool syntax_only) {
  return StateMachineValidator(syntax_only ? nullptr : registry).validate(definition);
}

const Json* StateMachine::state(const std::string& name) const {
  const auto& states = (*definition_)["States"];
  auto it = states.find(name);
  return it == states.end() ? nullptr : &*it;
}

std::optional<std::int64_t> StateMachine::timeout_seconds() const {
  if (!definition_->contains("TimeoutSeconds")) return std::nullopt;
  return (*definition_)["TimeoutSeconds"].get<std::int64_t>();
}

}  // namespace lifeboat::workflow

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
  auto parsed = std::make_shared<Parsed>();
  parsed->definition = definition;
  parsed->start_at = definition["StartAt"].get<std::string>();
  if (definition.contains("TimeoutSeconds"))
    parsed->timeout_seconds = definition["TimeoutSeconds"].get<std::int64_t>();
  for (auto it = definition["States"].begin(); it != definition["States"].end(); ++it) {
    auto state = parse_state(it.key(), it.value());
    if (!state)
      return Status::invalid_argument("invalid state machine definition:\n  " +
                                      state.status().message());
    parsed->states.emplace(it.key(), std::move(state).value());
  }
  StateMachine sm;
  sm.parsed_ = std::move(parsed);
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

const State* StateMachine::state(const std::string& name) const {
  auto it = parsed_->states.find(name);
  return it == parsed_->states.end() ? nullptr : &it->second;
}

}  // namespace lifeboat::workflow

// The Choice state: the first rule that matches names the next state, else Default.
#include "workflow/executor.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;

void Executor::enter_choice(Step& s, const ChoiceState& state, const Json& effective,
                            const Json& ctx) {
  const std::string* next = nullptr;
  for (const auto& choice : state.choices) {
    auto m = choice.rule.evaluate(effective, ctx);
    if (!m) return handle_error(s, state, to_asl_error(m.status()));
    if (*m) {
      next = &choice.next;
      break;
    }
  }
  if (next == nullptr && state.default_next) next = &*state.default_next;
  if (next == nullptr)
    return handle_error(s, state,
                        {kErrNoChoiceMatched, "no choice rule of state '" + state.name +
                                                  "' matched and it has no Default"});
  auto out = state.output_path.apply(effective, ctx);
  if (!out) return handle_error(s, state, to_asl_error(out.status()));
  event(s, "ChoiceStateExited", {{"name", state.name}, {"output", *out}});
  go_to(s, *next, *out);
}

}  // namespace lifeboat::workflow

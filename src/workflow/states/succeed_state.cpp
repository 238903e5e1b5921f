// The Succeed state: ends the execution with its (OutputPath-filtered) input.
#include "workflow/executor.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;

void Executor::enter_succeed(Step& s, const SucceedState& state, const Json& effective,
                             const Json& ctx) {
  auto out = state.output_path.apply(effective, ctx);
  if (!out) return handle_error(s, state, to_asl_error(out.status()));
  event(s, "SucceedStateExited", {{"name", state.name}, {"output", *out}});
  succeed_execution(s, *out);
}

}  // namespace lifeboat::workflow

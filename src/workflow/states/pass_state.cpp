// The Pass state: Parameters or Result, then ResultPath and OutputPath.
#include "workflow/executor.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;

void Executor::enter_pass(Step& s, const PassState& state, const Json& effective, const Json& ctx) {
  core::Result<Json> params = effective;
  if (state.parameters) params = state.parameters->apply(effective, ctx);
  if (!params) return handle_error(s, state, to_asl_error(params.status()));
  Json result = state.result ? *state.result : *params;
  auto after = state.result_path.apply(s.cursor.input, std::move(result));
  if (!after) return handle_error(s, state, to_asl_error(after.status()));
  auto out = state.output_path.apply(*after, ctx);
  if (!out) return handle_error(s, state, to_asl_error(out.status()));
  transition(s, state, *out);
}

}  // namespace lifeboat::workflow

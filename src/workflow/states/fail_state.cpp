// The Fail state: ends the execution with Error and Cause, static or selected from the
// state's raw input (a path or an intrinsic call). No Catch applies.
#include "workflow/executor.h"
#include "workflow/executor_step.h"
#include "workflow/intrinsic_functions.h"

namespace lifeboat::workflow {

using core::Json;

void Executor::enter_fail(Step& s, const FailState& state, const Json& ctx) {
  AslError err{state.error, state.cause};
  const Json& raw = s.cursor.input;
  using Source = std::optional<FailState::Source>;
  for (const auto& [field, source, target] : {std::tuple<const char*, const Source*, std::string*>{
                                                  "ErrorPath", &state.error_path, &err.error},
                                              std::tuple<const char*, const Source*, std::string*>{
                                                  "CausePath", &state.cause_path, &err.cause}}) {
    if (!*source) continue;
    const FailState::Source& from = **source;
    core::Result<Json> v =
        from.path ? from.path->select(raw, ctx) : evaluate_intrinsic(from.text, raw, ctx);
    if (!v || !v->is_string())
      return fail_execution(
          s, {kErrRuntime, std::string(field) + " '" + from.text + "' does not select a string"});
    *target = v->get<std::string>();
  }
  fail_execution(s, err);
}

}  // namespace lifeboat::workflow

// Input and output processing of one state (states-language.net "Input and Output
// Processing"): InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
//
// Each step returns the ASL error the spec names when it fails: a path that selects
// nothing in InputPath/OutputPath is States.Runtime, in Parameters/ResultSelector
// States.ParameterPathFailure, a ResultPath that cannot be applied
// States.ResultPathMatchFailure. Pure functions; thread safe.
#pragma once

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

//! InputPath (absent: "$"; null: {}).
core::Result<core::Json> apply_input_path(const core::Json& state, const core::Json& raw_input,
                                          const core::Json& context);
//! Parameters, if the state has them; else `effective_input` unchanged.
core::Result<core::Json> apply_parameters(const core::Json& state,
                                          const core::Json& effective_input,
                                          const core::Json& context);
//! ResultSelector, if the state has it; else `result` unchanged.
core::Result<core::Json> apply_result_selector(const core::Json& state, const core::Json& result,
                                               const core::Json& context);
//! ResultPath given as `result_path` (absent: "$"; null: discard the result).
core::Result<core::Json> apply_result_path(const core::Json* result_path,
                                           const core::Json& raw_input, core::Json result);
//! OutputPath (absent: "$"; null: {}).
core::Result<core::Json> apply_output_path(const core::Json& state, const core::Json& value,
                                           const core::Json& context);

}  // namespace lifeboat::workflow

// The 18 ASL intrinsic functions (States.Format … States.UUID), evaluated from their
// source text, e.g. "States.Format('Hello {}', $.name)".
//
// Arguments are string literals ('…' with \' \{ \} \\ escapes), numbers, true/false/null,
// paths ($…, $$…) and nested intrinsic calls. Every failure — bad syntax, wrong argument
// count or type, a path that selects nothing, a limit exceeded — is the ASL error
// States.IntrinsicFailure (asl_error.h) with a cause naming the function. Thread safe.
#pragma once

#include <string_view>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

//! True when `text` looks like an intrinsic call ("States.X(").
bool is_intrinsic_call(std::string_view text);

//! Checks the syntax of the call (function name known, arguments well formed) without
//! evaluating it. The error names the problem.
core::Status check_intrinsic_syntax(std::string_view text);

//! Evaluates the call against the state's `input` and the `context` object.
core::Result<core::Json> evaluate_intrinsic(std::string_view text, const core::Json& input,
                                            const core::Json& context);

}  // namespace lifeboat::workflow

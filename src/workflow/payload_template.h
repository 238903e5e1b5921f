// Payload templates: Parameters, ResultSelector and ItemSelector.
//
// A template is copied as is, except that a field whose name ends in ".$" takes its value
// from a path ("$.x" on the input, "$$.x" on the context object) or an intrinsic call, and
// loses the ".$" suffix. Failures are ASL errors: a path that selects nothing is
// States.ParameterPathFailure, a failing intrinsic States.IntrinsicFailure. Thread safe.
#pragma once

#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

//! Applies `tmpl` to `input`; `field` (e.g. "Parameters") appears in error causes.
core::Result<core::Json> apply_payload_template(const core::Json& tmpl, const core::Json& input,
                                                const core::Json& context,
                                                const std::string& field);

//! Static checks of a template: every ".$" value is a string holding a valid path or a
//! well-formed intrinsic call. Appends one problem per bad field to `problems`, each
//! prefixed with `where`.
void check_payload_template(const core::Json& tmpl, const std::string& where,
                            std::vector<std::string>& problems);

}  // namespace lifeboat::workflow

// Payload templates: Parameters, ResultSelector and ItemSelector.
//
// A template is copied as is, except that a field whose name ends in ".$" takes its value
// from a path ("$.x" on the input, "$$.x" on the context object) or an intrinsic call, and
// loses the ".$" suffix. Failures are ASL errors: a path that selects nothing is
// States.ParameterPathFailure, a failing intrinsic States.IntrinsicFailure.
//
// PayloadTemplate holds a template with its paths parsed once (a state machine compiles
// its templates when it is parsed); apply_payload_template compiles and applies in one go.
// Immutable; thread safe; cheap to copy (shares the compiled tree).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

class PayloadTemplate {
 public:
  //! Compiles `tmpl`; `field` (e.g. "Parameters") appears in error causes. Fails with
  //! States.ParameterPathFailure for a ".$" field that holds no string or a bad path.
  static core::Result<PayloadTemplate> compile(const core::Json& tmpl, const std::string& field);

  //! The template applied to `input` and the context object.
  core::Result<core::Json> apply(const core::Json& input, const core::Json& context) const;

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::string field_;
};

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

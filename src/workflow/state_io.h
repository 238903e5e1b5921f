// Input and output processing of one state (states-language.net "Input and Output
// Processing"): InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath.
//
// The path fields are parsed once, when the state machine is (state.h); Parameters and
// ResultSelector are payload templates (payload_template.h). Each step returns the ASL error
// the spec names when it fails: a path that selects nothing in InputPath/OutputPath is
// States.Runtime, a ResultPath that cannot be applied States.ResultPathMatchFailure.
// Immutable; thread safe.
#pragma once

#include <optional>

#include "core/json.h"
#include "core/result.h"
#include "workflow/json_path.h"

namespace lifeboat::workflow {

//! InputPath or OutputPath: absent selects the whole value, null selects {}.
class SelectionPath {
 public:
  //! Absent: selects the whole value.
  SelectionPath() = default;
  //! The field `field` ("InputPath" / "OutputPath") of `state`, validated already.
  static core::Result<SelectionPath> of(const core::Json& state, const char* field);
  core::Result<core::Json> apply(const core::Json& value, const core::Json& context) const;

 private:
  enum class Form { kAbsent, kNull, kPath };
  Form form_ = Form::kAbsent;
  const char* field_ = "";
  JsonPath path_;
};

//! ResultPath: absent puts the result in place of the input, null discards the result.
class ResultPath {
 public:
  ResultPath() = default;
  //! The "ResultPath" field of `holder` (a state or a catcher), validated already.
  static core::Result<ResultPath> of(const core::Json& holder);
  //! The state's raw input with `result` placed where the path says.
  core::Result<core::Json> apply(const core::Json& raw_input, core::Json result) const;

 private:
  enum class Form { kAbsent, kNull, kPath };
  Form form_ = Form::kAbsent;
  JsonPath path_;
};

}  // namespace lifeboat::workflow

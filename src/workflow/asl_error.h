// AslError: an error as Amazon States Language sees it — a name ("States.Timeout",
// "Lifeboat.HomeNotFound") and a cause — and its round trip through core::Status.
//
// Task resources and the interpreter report failures as Status (module boundaries speak
// Status). A Status built by asl_error() carries the ASL name in its message as
// "[Name] cause"; to_asl_error() reads it back. Any other Status becomes the error
// "Lifeboat.<StatusCodeName>" (e.g. "Lifeboat.IoError") with its message as the cause, so
// a Retry can still match a plain I/O fault by name.
#pragma once

#include <string>

#include "core/status.h"

namespace lifeboat::workflow {

struct AslError {
  std::string error;  //!< ASL error name
  std::string cause;  //!< human-readable cause
};

//! Predefined error names (states-language.net "Errors").
inline constexpr const char* kErrAll = "States.ALL";
inline constexpr const char* kErrTimeout = "States.Timeout";
inline constexpr const char* kErrTaskFailed = "States.TaskFailed";
inline constexpr const char* kErrRuntime = "States.Runtime";
inline constexpr const char* kErrResultPathMatchFailure = "States.ResultPathMatchFailure";
inline constexpr const char* kErrParameterPathFailure = "States.ParameterPathFailure";
inline constexpr const char* kErrIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr const char* kErrNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr const char* kErrBranchFailed = "States.BranchFailed";

//! A Status carrying the ASL error `name` and `cause`.
core::Status asl_error(const std::string& name, const std::string& cause);

//! The ASL error a (non-OK) Status stands for.
AslError to_asl_error(const core::Status& status);

}  // namespace lifeboat::workflow

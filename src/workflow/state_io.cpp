#include "workflow/state_io.h"

#include "workflow/asl_error.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;

Result<SelectionPath> SelectionPath::of(const Json& state, const char* field) {
  SelectionPath p;
  p.field_ = field;
  if (!state.contains(field)) return p;
  const Json& v = state[field];
  if (v.is_null()) {
    p.form_ = Form::kNull;
    return p;
  }
  if (!v.is_string()) return asl_error(kErrRuntime, std::string(field) + ": not a path string");
  auto path = JsonPath::parse(v.get<std::string>());
  if (!path) return asl_error(kErrRuntime, std::string(field) + ": " + path.status().message());
  p.form_ = Form::kPath;
  p.path_ = std::move(path).value();
  return p;
}

Result<Json> SelectionPath::apply(const Json& value, const Json& context) const {
  switch (form_) {
    case Form::kAbsent:
      return value;
    case Form::kNull:
      return Json::object();
    case Form::kPath:
      break;
  }
  auto selected = path_.select(value, context);
  if (!selected)
    return asl_error(kErrRuntime, std::string(field_) + ": " + selected.status().message());
  return selected;
}

Result<ResultPath> ResultPath::of(const Json& holder) {
  ResultPath p;
  if (!holder.contains("ResultPath")) return p;
  const Json& v = holder["ResultPath"];
  if (v.is_null()) {
    p.form_ = Form::kNull;
    return p;
  }
  if (!v.is_string()) return asl_error(kErrResultPathMatchFailure, "ResultPath: not a path string");
  auto path = JsonPath::parse(v.get<std::string>());
  if (!path) return asl_error(kErrResultPathMatchFailure, path.status().message());
  p.form_ = Form::kPath;
  p.path_ = std::move(path).value();
  return p;
}

Result<Json> ResultPath::apply(const Json& raw_input, Json result) const {
  switch (form_) {
    case Form::kAbsent:
      return result;
    case Form::kNull:
      return raw_input;
    case Form::kPath:
      break;
  }
  Json out = raw_input;
  auto st = path_.assign(out, std::move(result));
  if (!st) return asl_error(kErrResultPathMatchFailure, st.message());
  return out;
}

}  // namespace lifeboat::workflow

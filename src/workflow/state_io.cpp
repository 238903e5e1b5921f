#include "workflow/state_io.h"

#include "workflow/asl_error.h"
#include "workflow/json_path.h"
#include "workflow/payload_template.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;

namespace {

Result<Json> select_field_path(const Json& state, const char* field, const Json& value,
                               const Json& context) {
  if (!state.contains(field)) return value;
  const Json& p = state[field];
  if (p.is_null()) return Json::object();
  auto path = JsonPath::parse(p.get<std::string>());
  if (!path) return asl_error(kErrRuntime, std::string(field) + ": " + path.status().message());
  auto selected = path->select(value, context);
  if (!selected)
    return asl_error(kErrRuntime, std::string(field) + ": " + selected.status().message());
  return selected;
}

}  // namespace

Result<Json> apply_input_path(const Json& state, const Json& raw_input, const Json& context) {
  return select_field_path(state, "InputPath", raw_input, context);
}

Result<Json> apply_parameters(const Json& state, const Json& effective_input, const Json& context) {
  if (!state.contains("Parameters")) return effective_input;
  return apply_payload_template(state["Parameters"], effective_input, context, "Parameters");
}

Result<Json> apply_result_selector(const Json& state, const Json& result, const Json& context) {
  if (!state.contains("ResultSelector")) return result;
  return apply_payload_template(state["ResultSelector"], result, context, "ResultSelector");
}

Result<Json> apply_result_path(const Json* result_path, const Json& raw_input, Json result) {
  if (result_path == nullptr) return result;
  if (result_path->is_null()) return raw_input;
  auto path = JsonPath::parse(result_path->get<std::string>());
  if (!path) return asl_error(kErrResultPathMatchFailure, path.status().message());
  Json out = raw_input;
  auto st = path->assign(out, std::move(result));
  if (!st) return asl_error(kErrResultPathMatchFailure, st.message());
  return out;
}

Result<Json> apply_output_path(const Json& state, const Json& value, const Json& context) {
  return select_field_path(state, "OutputPath", value, context);
}

}  // namespace lifeboat::workflow

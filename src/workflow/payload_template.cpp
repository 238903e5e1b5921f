#include "workflow/payload_template.h"

#include "workflow/asl_error.h"
#include "workflow/intrinsic_functions.h"
#include "workflow/json_path.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;

namespace {

bool is_dynamic_key(const std::string& key) {
  return key.size() > 2 && key.compare(key.size() - 2, 2, ".$") == 0;
}

}  // namespace

Result<Json> apply_payload_template(const Json& tmpl, const Json& input, const Json& context,
                                    const std::string& field) {
  if (tmpl.is_array()) {
    Json out = Json::array();
    for (const auto& v : tmpl) {
      LIFEBOAT_ASSIGN_OR_RETURN(Json r, apply_payload_template(v, input, context, field));
      out.push_back(std::move(r));
    }
    return out;
  }
  if (!tmpl.is_object()) return tmpl;
  Json out = Json::object();
  for (auto it = tmpl.begin(); it != tmpl.end(); ++it) {
    const std::string& key = it.key();
    if (!is_dynamic_key(key)) {
      LIFEBOAT_ASSIGN_OR_RETURN(Json r, apply_payload_template(it.value(), input, context, field));
      out[key] = std::move(r);
      continue;
    }
    std::string name = key.substr(0, key.size() - 2);
    if (!it.value().is_string())
      return asl_error(kErrParameterPathFailure,
                       field + " field '" + key + "' must hold a path or intrinsic function");
    const auto& expr = it.value().get_ref<const std::string&>();
    if (is_intrinsic_call(expr)) {
      LIFEBOAT_ASSIGN_OR_RETURN(Json r, evaluate_intrinsic(expr, input, context));
      out[name] = std::move(r);
      continue;
    }
    auto path = JsonPath::parse(expr);
    if (!path)
      return asl_error(kErrParameterPathFailure,
                       field + " field '" + key + "': " + path.status().message());
    auto value = path->select(input, context);
    if (!value)
      return asl_error(kErrParameterPathFailure,
                       field + " field '" + key + "': " + value.status().message());
    out[name] = std::move(value).value();
  }
  return out;
}

void check_payload_template(const Json& tmpl, const std::string& where,
                            std::vector<std::string>& problems) {
  if (tmpl.is_array()) {
    for (const auto& v : tmpl) check_payload_template(v, where, problems);
    return;
  }
  if (!tmpl.is_object()) return;
  for (auto it = tmpl.begin(); it != tmpl.end(); ++it) {
    const std::string& key = it.key();
    if (!is_dynamic_key(key)) {
      check_payload_template(it.value(), where + "." + key, problems);
      continue;
    }
    if (!it.value().is_string()) {
      problems.push_back(where + "." + key + ": a '.$' field must hold a path or intrinsic call");
      continue;
    }
    const auto& expr = it.value().get_ref<const std::string&>();
    if (is_intrinsic_call(expr)) {
      auto st = check_intrinsic_syntax(expr);
      if (!st) problems.push_back(where + "." + key + ": " + to_asl_error(st).cause);
    } else {
      auto path = JsonPath::parse(expr);
      if (!path) problems.push_back(where + "." + key + ": bad path: " + path.status().message());
    }
  }
}

}  // namespace lifeboat::workflow

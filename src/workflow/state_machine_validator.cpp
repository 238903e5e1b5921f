#include "workflow/state_machine_validator.h"

#include <deque>
#include <map>
#include <set>

#include "core/time_format.h"
#include "workflow/choice_rule.h"
#include "workflow/execution_limits.h"
#include "workflow/intrinsic_functions.h"
#include "workflow/json_path.h"
#include "workflow/payload_template.h"
#include "workflow/task_resource_registry.h"

namespace lifeboat::workflow {

using core::Json;

namespace {

const std::map<std::string, std::set<std::string>>& allowed_fields() {
  static const std::map<std::string, std::set<std::string>> kFields = {
      {"Pass", {"InputPath", "OutputPath", "Parameters", "ResultPath", "Result", "Next", "End"}},
      {"Task",
       {"Resource", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
        "Retry", "Catch", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
        "HeartbeatSecondsPath", "Credentials", "Next", "End"}},
      {"Choice", {"InputPath", "OutputPath", "Choices", "Default"}},
      {"Wait",
       {"InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Next",
        "End"}},
      {"Succeed", {"InputPath", "OutputPath"}},
      {"Fail", {"Error", "ErrorPath", "Cause", "CausePath"}},
      {"Parallel",
       {"Branches", "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
        "Retry", "Catch", "Next", "End"}},
      {"Map",
       {"Iterator", "ItemProcessor", "ItemsPath", "ItemSelector", "Parameters", "MaxConcurrency",
        "InputPath", "OutputPath", "ResultSelector", "ResultPath", "Retry", "Catch", "Next", "End",
        "Label"}},
  };
  return kFields;
}

// An integer field within [lo, hi] (execution_limits.h says where each bound comes from);
// otherwise one problem naming the field and the range. Inside a retrier the field is
// named after the retrier ("field 'Retry[0]': 'MaxAttempts' must be ...").
bool check_int_field(const Json& obj, const std::string& field, std::int64_t lo, std::int64_t hi,
                     const std::string& where, std::vector<std::string>& out,
                     bool in_retrier = false) {
  if (!obj.contains(field)) return true;
  const Json& v = obj[field];
  if (v.is_number_integer() && integer_in_range(v, lo, hi)) return true;
  const std::string kind = lo == 0   ? "a non-negative integer"
                           : lo == 1 ? "a positive integer"
                                     : "an integer from " + std::to_string(lo);
  out.push_back(where +
                (in_retrier ? ": '" + field + "' must be " : ": field '" + field + "': must be ") +
                kind + " no greater than " + std::to_string(hi) + ", got " + v.dump());
  return false;
}

// Checks a path-valued field. `reference` demands a reference path; `allow_context`
// whether `$$` paths are allowed; `allow_null` whether JSON null is allowed.
void check_path_field(const Json& state, const std::string& field, const std::string& where,
                      bool reference, bool allow_context, bool allow_null,
                      std::vector<std::string>& out) {
  if (!state.contains(field)) return;
  const Json& v = state[field];
  if (v.is_null()) {
    if (!allow_null) out.push_back(where + ": field '" + field + "': must not be null");
    return;
  }
  if (!v.is_string()) {
    out.push_back(where + ": field '" + field + "': must be a path string");
    return;
  }
  auto p = JsonPath::parse(v.get<std::string>());
  if (!p) {
    out.push_back(where + ": field '" + field + "': bad path: " + p.status().message());
    return;
  }
  if (reference && !p->is_reference())
    out.push_back(where + ": field '" + field + "': must be a reference path (no wildcards)");
  if (!allow_context && p->is_context())
    out.push_back(where + ": field '" + field + "': must not refer to the context object '$$'");
}

void check_exclusive(const Json& state, const std::string& a, const std::string& b,
                     const std::string& where, std::vector<std::string>& out) {
  if (state.contains(a) && state.contains(b))
    out.push_back(where + ": fields '" + a + "' and '" + b + "' must not both be present");
}

void check_error_equals(const Json& entry, const std::string& where, std::vector<std::string>& out,
                        bool last_entry) {
  if (!entry.contains("ErrorEquals")) {
    out.push_back(where + ": field 'ErrorEquals' is required");
    return;
  }
  const Json& errs = entry["ErrorEquals"];
  if (!errs.is_array() || errs.empty()) {
    out.push_back(where + ": field 'ErrorEquals' must be a non-empty array of error names");
    return;
  }
  for (const auto& e : errs) {
    if (!e.is_string()) {
      out.push_back(where + ": field 'ErrorEquals': every error name must be a string");
      return;
    }
    if (e.get<std::string>() == "States.ALL") {
      if (errs.size() != 1)
        out.push_back(where + ": field 'ErrorEquals': 'States.ALL' must appear alone");
      if (!last_entry)
        out.push_back(where + ": field 'ErrorEquals': 'States.ALL' must be in the last entry");
    }
  }
}

void check_retry(const Json& state, const std::string& where, std::vector<std::string>& out) {
  if (!state.contains("Retry")) return;
  const Json& retry = state["Retry"];
  if (!retry.is_array()) {
    out.push_back(where + ": field 'Retry': must be an array of retriers");
    return;
  }
  static const std::set<std::string> kFields = {"ErrorEquals", "IntervalSeconds", "MaxAttempts",
                                                "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                                                "Comment"};
  for (std::size_t i = 0; i < retry.size(); ++i) {
    std::string w = where + ": field 'Retry[" + std::to_string(i) + "]'";
    const Json& r = retry[i];
    if (!r.is_object()) {
      out.push_back(w + ": must be an object");
      continue;
    }
    for (auto it = r.begin(); it != r.end(); ++it)
      if (kFields.count(it.key()) == 0) out.push_back(w + ": unknown field '" + it.key() + "'");
    check_error_equals(r, w, out, i + 1 == retry.size());
    check_int_field(r, "IntervalSeconds", 1, kMaxRetryIntervalSeconds, w, out, true);
    check_int_field(r, "MaxAttempts", 0, kMaxRetryAttempts, w, out, true);
    check_int_field(r, "MaxDelaySeconds", 1, kMaxRetryDelaySeconds, w, out, true);
    if (r.contains("BackoffRate") && !number_in_range(r["BackoffRate"], 1.0, kMaxBackoffRate))
      out.push_back(w + ": 'BackoffRate' must be a number >= 1.0 and <= " +
                    std::to_string(static_cast<int>(kMaxBackoffRate)) + ", got " +
                    r["BackoffRate"].dump());
    if (r.contains("JitterStrategy") &&
        !(r["JitterStrategy"] == "FULL" || r["JitterStrategy"] == "NONE"))
      out.push_back(w + ": 'JitterStrategy' must be \"FULL\" or \"NONE\"");
  }
}

void check_catch(const Json& state, const Json& states, const std::string& where,
                 std::vector<std::string>& out) {
  if (!state.contains("Catch")) return;
  const Json& c = state["Catch"];
  if (!c.is_array()) {
    out.push_back(where + ": field 'Catch': must be an array of catchers");
    return;
  }
  static const std::set<std::string> kFields = {"ErrorEquals", "Next", "ResultPath", "Comment"};
  for (std::size_t i = 0; i < c.size(); ++i) {
    std::string w = where + ": field 'Catch[" + std::to_string(i) + "]'";
    const Json& r = c[i];
    if (!r.is_object()) {
      out.push_back(w + ": must be an object");
      continue;
    }
    for (auto it = r.begin(); it != r.end(); ++it)
      if (kFields.count(it.key()) == 0) out.push_back(w + ": unknown field '" + it.key() + "'");
    check_error_equals(r, w, out, i + 1 == c.size());
    if (!r.contains("Next") || !r["Next"].is_string())
      out.push_back(w + ": field 'Next' is required (a state name)");
    else if (!states.contains(r["Next"].get<std::string>()))
      out.push_back(w + ": 'Next': unknown state '" + r["Next"].get<std::string>() + "'");
    if (r.contains("ResultPath") && !r["ResultPath"].is_null()) {
      const Json& rp = r["ResultPath"];
      auto p = rp.is_string()
                   ? JsonPath::parse(rp.get<std::string>())
                   : core::Result<JsonPath>(core::Status::invalid_argument("not a string"));
      if (!p || !p->is_reference() || p->is_context())
        out.push_back(w + ": 'ResultPath' must be a reference path into '$' or null");
    }
  }
}

// A Task's Credentials: an object naming the role to assume, either as "RoleArn" (a
// string) or "RoleArn.$" (a path or intrinsic that yields it), and nothing else.
void check_credentials(const Json& state, const std::string& where, std::vector<std::string>& out) {
  if (!state.contains("Credentials")) return;
  const Json& c = state["Credentials"];
  const std::string w = where + ": field 'Credentials'";
  if (!c.is_object()) {
    out.push_back(w + ": must be an object such as {\"RoleArn\": \"arn:aws:iam::...\"}");
    return;
  }
  for (auto it = c.begin(); it != c.end(); ++it)
    if (it.key() != "RoleArn" && it.key() != "RoleArn.$")
      out.push_back(w + ": unknown field '" + it.key() + "' (only 'RoleArn' or 'RoleArn.$')");
  const int forms =
      static_cast<int>(c.contains("RoleArn")) + static_cast<int>(c.contains("RoleArn.$"));
  if (forms != 1) out.push_back(w + ": exactly one of 'RoleArn' and 'RoleArn.$' is required");
  if (c.contains("RoleArn") &&
      !(c["RoleArn"].is_string() && !c["RoleArn"].get_ref<const std::string&>().empty()))
    out.push_back(w + ": 'RoleArn' must be a non-empty string");
  check_payload_template(c, w, out);
}

// The states each state may pass control to.
std::vector<std::string> successors(const Json& state) {
  std::vector<std::string> out;
  auto add = [&](const Json& v) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  };
  if (state.contains("Next")) add(state["Next"]);
  if (state.contains("Default")) add(state["Default"]);
  if (state.contains("Choices") && state["Choices"].is_array())
    for (const auto& c : state["Choices"])
      if (c.is_object() && c.contains("Next")) add(c["Next"]);
  if (state.contains("Catch") && state["Catch"].is_array())
    for (const auto& c : state["Catch"])
      if (c.is_object() && c.contains("Next")) add(c["Next"]);
  return out;
}

}  // namespace

std::vector<std::string> StateMachineValidator::validate(const Json& definition) const {
  std::vector<std::string> out;
  check_machine(definition, "", out);
  return out;
}

void StateMachineValidator::check_machine(const Json& def, const std::string& prefix,
                                          std::vector<std::string>& out) const {
  std::string where = prefix.empty() ? "state machine" : prefix;
  if (!def.is_object()) {
    out.push_back(where + ": must be a JSON object");
    return;
  }
  static const std::set<std::string> kTop = {"StartAt", "States",         "Comment",
                                             "Version", "TimeoutSeconds", "ProcessorConfig"};
  for (auto it = def.begin(); it != def.end(); ++it)
    if (kTop.count(it.key()) == 0) out.push_back(where + ": unknown field '" + it.key() + "'");
  check_int_field(def, "TimeoutSeconds", 1, kMaxExecutionSeconds, where, out);
  if (!def.contains("States") || !def["States"].is_object() || def["States"].empty()) {
    out.push_back(where + ": field 'States' is required (a non-empty object)");
    return;
  }
  const Json& states = def["States"];
  std::string start;
  if (!def.contains("StartAt") || !def["StartAt"].is_string()) {
    out.push_back(where + ": field 'StartAt' is required (a state name)");
  } else {
    start = def["StartAt"].get<std::string>();
    if (!states.contains(start))
      out.push_back(where + ": field 'StartAt': unknown state '" + start + "'");
  }
  std::string state_prefix = prefix.empty() ? "" : prefix + " > ";
  for (auto it = states.begin(); it != states.end(); ++it) {
    if (it.key().empty() || it.key().size() > 80)
      out.push_back(state_prefix + "state '" + it.key() + "': a name must be 1 to 80 characters");
    check_state(it.key(), it.value(), states, state_prefix + "state '" + it.key() + "'", out);
  }
  if (start.empty() || !states.contains(start)) return;
  std::set<std::string> seen{start};
  std::deque<std::string> queue{start};
  while (!queue.empty()) {
    std::string name = queue.front();
    queue.pop_front();
    for (const auto& next : successors(states[name]))
      if (states.contains(next) && seen.insert(next).second) queue.push_back(next);
  }
  for (auto it = states.begin(); it != states.end(); ++it)
    if (seen.count(it.key()) == 0)
      out.push_back(state_prefix + "state '" + it.key() + "': unreachable from StartAt '" + start +
                    "'");
}

void StateMachineValidator::check_state(const std::string& name, const Json& state,
                                        const Json& states, const std::string& where,
                                        std::vector<std::string>& out) const {
  (void)name;
  if (!state.is_object()) {
    out.push_back(where + ": must be an object");
    return;
  }
  if (!state.contains("Type") || !state["Type"].is_string()) {
    out.push_back(where + ": field 'Type' is required");
    return;
  }
  const std::string type = state["Type"].get<std::string>();
  auto fields_it = allowed_fields().find(type);
  if (fields_it == allowed_fields().end()) {
    out.push_back(where + ": field 'Type': unknown state type '" + type + "'");
    return;
  }
  for (auto it = state.begin(); it != state.end(); ++it) {
    if (it.key() == "Type" || it.key() == "Comment") continue;
    if (fields_it->second.count(it.key()) == 0)
      out.push_back(where + ": field '" + it.key() + "': not allowed in a " + type + " state");
  }
  // Transitions.
  bool terminal_type = type == "Choice" || type == "Succeed" || type == "Fail";
  if (!terminal_type) {
    bool has_next = state.contains("Next");
    bool has_end = state.contains("End");
    if (has_next && has_end)
      out.push_back(where + ": fields 'Next' and 'End' must not both be present");
    if (!has_next && !has_end) out.push_back(where + ": field 'End' or 'Next' is required");
    if (has_end && state["End"] != true) out.push_back(where + ": field 'End': must be true");
    if (has_next) {
      if (!state["Next"].is_string())
        out.push_back(where + ": field 'Next': must be a state name");
      else if (!states.contains(state["Next"].get<std::string>()))
        out.push_back(where + ": field 'Next': unknown state '" + state["Next"].get<std::string>() +
                      "'");
    }
  }
  // Paths common to most types.
  check_path_field(state, "InputPath", where, false, true, true, out);
  check_path_field(state, "OutputPath", where, false, true, true, out);
  if (state.contains("ResultPath"))
    check_path_field(state, "ResultPath", where, true, false, true, out);
  for (const char* tmpl : {"Parameters", "ResultSelector", "ItemSelector"}) {
    if (!state.contains(tmpl)) continue;
    if (std::string(tmpl) == "ResultSelector" && !state[tmpl].is_object())
      out.push_back(where + ": field 'ResultSelector': must be an object");
    check_payload_template(state[tmpl], where + ": field '" + tmpl + "'", out);
  }
  check_retry(state, where, out);
  check_catch(state, states, where, out);

  if (type == "Task") {
    if (!state.contains("Resource") || !state["Resource"].is_string()) {
      out.push_back(where + ": field 'Resource' is required (a URI string)");
    } else if (registry_ != nullptr && !registry_->contains(state["Resource"].get<std::string>())) {
      out.push_back(where + ": field 'Resource': unknown resource '" +
                    state["Resource"].get<std::string>() + "'");
    }
    check_exclusive(state, "TimeoutSeconds", "TimeoutSecondsPath", where, out);
    check_exclusive(state, "HeartbeatSeconds", "HeartbeatSecondsPath", where, out);
    bool timeout_ok = check_int_field(state, "TimeoutSeconds", 1, kMaxTimeoutSeconds, where, out);
    bool heartbeat_ok =
        check_int_field(state, "HeartbeatSeconds", 1, kMaxTimeoutSeconds, where, out);
    if (timeout_ok && heartbeat_ok && state.contains("TimeoutSeconds") &&
        state.contains("HeartbeatSeconds") &&
        state["HeartbeatSeconds"].get<std::int64_t>() >=
            state["TimeoutSeconds"].get<std::int64_t>())
      out.push_back(where + ": field 'HeartbeatSeconds': must be less than 'TimeoutSeconds'");
    check_path_field(state, "TimeoutSecondsPath", where, true, true, false, out);
    check_path_field(state, "HeartbeatSecondsPath", where, true, true, false, out);
    check_credentials(state, where, out);
  } else if (type == "Choice") {
    if (!state.contains("Choices") || !state["Choices"].is_array() || state["Choices"].empty()) {
      out.push_back(where + ": field 'Choices' is required (a non-empty array)");
    } else {
      const Json& choices = state["Choices"];
      for (std::size_t i = 0; i < choices.size(); ++i) {
        std::string w = where + ": field 'Choices[" + std::to_string(i) + "]'";
        check_choice_rule(choices[i], w, true, out);
        if (choices[i].is_object() && choices[i].contains("Next") &&
            choices[i]["Next"].is_string() &&
            !states.contains(choices[i]["Next"].get<std::string>()))
          out.push_back(w + ": 'Next': unknown state '" + choices[i]["Next"].get<std::string>() +
                        "'");
      }
    }
    if (state.contains("Default")) {
      if (!state["Default"].is_string() || !states.contains(state["Default"].get<std::string>()))
        out.push_back(where + ": field 'Default': unknown state '" + state["Default"].dump() + "'");
    }
  } else if (type == "Wait") {
    int forms = 0;
    for (const char* f : {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"})
      if (state.contains(f)) ++forms;
    if (forms != 1)
      out.push_back(where +
                    ": exactly one of 'Seconds', 'SecondsPath', 'Timestamp', "
                    "'TimestampPath' is required");
    check_int_field(state, "Seconds", 0, kMaxWaitSeconds, where, out);
    if (state.contains("Timestamp")) {
      const Json& t = state["Timestamp"];
      auto parsed =
          t.is_string()
              ? parse_bounded_timestamp(t.get<std::string>())
              : core::Result<core::Clock::WallTime>(core::Status::invalid_argument("not a string"));
      if (!parsed)
        out.push_back(where + ": field 'Timestamp': must be an RFC 3339 timestamp in the years " +
                      std::to_string(kMinTimestampYear) + " to " +
                      std::to_string(kMaxTimestampYear) + ": " + parsed.status().message());
    }
    check_path_field(state, "SecondsPath", where, true, true, false, out);
    check_path_field(state, "TimestampPath", where, true, true, false, out);
  } else if (type == "Fail") {
    check_exclusive(state, "Error", "ErrorPath", where, out);
    check_exclusive(state, "Cause", "CausePath", where, out);
    for (const char* f : {"Error", "Cause"})
      if (state.contains(f) && !state[f].is_string())
        out.push_back(where + ": field '" + std::string(f) + "': must be a string");
    for (const char* f : {"ErrorPath", "CausePath"}) {
      if (!state.contains(f)) continue;
      const Json& v = state[f];
      if (v.is_string() && is_intrinsic_call(v.get<std::string>())) continue;
      check_path_field(state, f, where, true, true, false, out);
    }
  } else if (type == "Parallel") {
    if (!state.contains("Branches") || !state["Branches"].is_array() || state["Branches"].empty()) {
      out.push_back(where + ": field 'Branches' is required (a non-empty array of state machines)");
    } else {
      const Json& branches = state["Branches"];
      for (std::size_t i = 0; i < branches.size(); ++i)
        check_machine(branches[i], where + " branch " + std::to_string(i), out);
    }
  } else if (type == "Map") {
    check_exclusive(state, "Iterator", "ItemProcessor", where, out);
    check_exclusive(state, "Parameters", "ItemSelector", where, out);
    check_path_field(state, "ItemsPath", where, true, true, false, out);
    check_int_field(state, "MaxConcurrency", 0, kMaxMapConcurrency, where, out);
    const char* proc_field = state.contains("ItemProcessor") ? "ItemProcessor" : "Iterator";
    if (!state.contains(proc_field)) {
      out.push_back(where + ": field 'ItemProcessor' (or 'Iterator') is required");
    } else {
      Json proc = state[proc_field];
      if (proc.is_object() && proc.contains("ProcessorConfig")) {
        const Json& cfg = proc["ProcessorConfig"];
        if (cfg.is_object() && cfg.contains("Mode") && cfg["Mode"] != "INLINE")
          out.push_back(where + ": field '" + std::string(proc_field) +
                        ".ProcessorConfig.Mode': only INLINE is supported");
      }
      check_machine(proc, where + " " + std::string(proc_field), out);
    }
  }
}

}  // namespace lifeboat::workflow

#include "workflow/state.h"

#include "workflow/asl_error.h"
#include "workflow/execution_limits.h"
#include "workflow/intrinsic_functions.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;

namespace {

Result<std::optional<PayloadTemplate>> optional_template(const Json& state, const char* field) {
  if (!state.contains(field)) return std::optional<PayloadTemplate>();
  LIFEBOAT_ASSIGN_OR_RETURN(PayloadTemplate t, PayloadTemplate::compile(state[field], field));
  return std::optional<PayloadTemplate>(std::move(t));
}

Result<std::optional<JsonPath>> optional_path(const Json& state, const char* field) {
  if (!state.contains(field)) return std::optional<JsonPath>();
  if (!state[field].is_string())
    return Status::invalid_argument(std::string("field '") + field + "': not a path string");
  LIFEBOAT_ASSIGN_OR_RETURN(JsonPath p, JsonPath::parse(state[field].get<std::string>()));
  return std::optional<JsonPath>(std::move(p));
}

std::optional<std::int64_t> optional_int(const Json& state, const char* field) {
  if (!state.contains(field)) return std::nullopt;
  return state[field].get<std::int64_t>();
}

Status parse_common(const std::string& name, const Json& state, StateCommon& out) {
  out.name = name;
  out.type = state["Type"].get<std::string>();
  LIFEBOAT_ASSIGN_OR_RETURN(out.input_path, SelectionPath::of(state, "InputPath"));
  LIFEBOAT_ASSIGN_OR_RETURN(out.output_path, SelectionPath::of(state, "OutputPath"));
  if (state.contains("Next")) out.next = state["Next"].get<std::string>();
  if (state.contains("Retry"))
    for (const auto& r : state["Retry"]) {
      LIFEBOAT_ASSIGN_OR_RETURN(Retrier retrier, Retrier::parse(r));
      out.retry.push_back(std::move(retrier));
    }
  if (state.contains("Catch"))
    for (const auto& c : state["Catch"]) {
      LIFEBOAT_ASSIGN_OR_RETURN(Catcher catcher, Catcher::parse(c));
      out.catchers.push_back(std::move(catcher));
    }
  return Status::ok();
}

Result<ResultHandling> result_handling(const Json& state) {
  ResultHandling out;
  LIFEBOAT_ASSIGN_OR_RETURN(out.selector, optional_template(state, "ResultSelector"));
  LIFEBOAT_ASSIGN_OR_RETURN(out.path, ResultPath::of(state));
  return out;
}

ChildMachine child_machine(const Json& machine) {
  return {machine["StartAt"].get<std::string>(), machine.dump()};
}

Result<State> parse_kind(const std::string& type, const Json& state) {
  if (type == "Pass") {
    PassState s;
    LIFEBOAT_ASSIGN_OR_RETURN(s.parameters, optional_template(state, "Parameters"));
    if (state.contains("Result")) s.result = state["Result"];
    LIFEBOAT_ASSIGN_OR_RETURN(s.result_path, ResultPath::of(state));
    return State(std::move(s));
  }
  if (type == "Task") {
    TaskState s;
    s.resource = state["Resource"].get<std::string>();
    LIFEBOAT_ASSIGN_OR_RETURN(s.parameters, optional_template(state, "Parameters"));
    LIFEBOAT_ASSIGN_OR_RETURN(s.result, result_handling(state));
    s.timeout_seconds = optional_int(state, "TimeoutSeconds");
    s.heartbeat_seconds = optional_int(state, "HeartbeatSeconds");
    LIFEBOAT_ASSIGN_OR_RETURN(s.timeout_seconds_path, optional_path(state, "TimeoutSecondsPath"));
    LIFEBOAT_ASSIGN_OR_RETURN(s.heartbeat_seconds_path,
                              optional_path(state, "HeartbeatSecondsPath"));
    return State(std::move(s));
  }
  if (type == "Choice") {
    ChoiceState s;
    for (const auto& rule : state["Choices"]) {
      LIFEBOAT_ASSIGN_OR_RETURN(ChoiceRule compiled, ChoiceRule::compile(rule));
      s.choices.push_back({std::move(compiled), rule["Next"].get<std::string>()});
    }
    if (state.contains("Default")) s.default_next = state["Default"].get<std::string>();
    return State(std::move(s));
  }
  if (type == "Wait") {
    WaitState s;
    s.seconds = optional_int(state, "Seconds");
    if (state.contains("Timestamp")) {
      s.timestamp = state["Timestamp"].get<std::string>();
      LIFEBOAT_ASSIGN_OR_RETURN(s.timestamp_time, parse_bounded_timestamp(*s.timestamp));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(s.seconds_path, optional_path(state, "SecondsPath"));
    LIFEBOAT_ASSIGN_OR_RETURN(s.timestamp_path, optional_path(state, "TimestampPath"));
    return State(std::move(s));
  }
  if (type == "Succeed") return State(SucceedState{});
  if (type == "Fail") {
    FailState s;
    s.error = state.value("Error", "States.Failed");
    s.cause = state.value("Cause", "");
    for (const auto& [field, target] :
         {std::pair<const char*, std::optional<FailState::Source>*>{"ErrorPath", &s.error_path},
          std::pair<const char*, std::optional<FailState::Source>*>{"CausePath", &s.cause_path}}) {
      if (!state.contains(field)) continue;
      FailState::Source source{state[field].get<std::string>(), std::nullopt};
      if (!is_intrinsic_call(source.text)) {
        LIFEBOAT_ASSIGN_OR_RETURN(source.path, optional_path(state, field));
      }
      *target = std::move(source);
    }
    return State(std::move(s));
  }
  if (type == "Parallel") {
    ParallelState s;
    LIFEBOAT_ASSIGN_OR_RETURN(s.parameters, optional_template(state, "Parameters"));
    LIFEBOAT_ASSIGN_OR_RETURN(s.result, result_handling(state));
    for (const auto& b : state["Branches"]) s.branches.push_back(child_machine(b));
    return State(std::move(s));
  }
  if (type == "Map") {
    MapState s;
    LIFEBOAT_ASSIGN_OR_RETURN(s.items_path, optional_path(state, "ItemsPath"));
    const char* selector = state.contains("ItemSelector") ? "ItemSelector" : "Parameters";
    LIFEBOAT_ASSIGN_OR_RETURN(s.item_selector, optional_template(state, selector));
    LIFEBOAT_ASSIGN_OR_RETURN(s.result, result_handling(state));
    s.max_concurrency = state.value("MaxConcurrency", std::int64_t{0});
    s.processor =
        child_machine(state.contains("ItemProcessor") ? state["ItemProcessor"] : state["Iterator"]);
    return State(std::move(s));
  }
  return Status::invalid_argument("unknown state type '" + type + "'");
}

}  // namespace

const StateCommon& common(const State& state) {
  return std::visit([](const auto& s) -> const StateCommon& { return s; }, state);
}

Result<State> parse_state(const std::string& name, const Json& state) {
  const std::string type = state["Type"].get<std::string>();
  auto parsed = parse_kind(type, state);
  if (!parsed) return parsed.status().with_context("state '" + name + "'");
  State out = std::move(parsed).value();
  auto st = std::visit([&](auto& s) { return parse_common(name, state, s); }, out);
  if (!st) return st.with_context("state '" + name + "'");
  return out;
}

}  // namespace lifeboat::workflow

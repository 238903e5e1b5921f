// State: one state of a parsed Amazon States Language machine, typed by its kind.
//
// StateMachine::parse (state_machine.h) validates a definition, then builds one State per
// entry of "States" with its paths, payload templates, choice rules, retriers and catchers
// parsed once; the executor's handlers (workflow/states/) read these structs and never the
// definition's JSON. Parallel branches and Map processors stay JSON text: they run as child
// executions whose own definitions are parsed when those run.
// Immutable after parsing; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"
#include "workflow/choice_rule.h"
#include "workflow/error_handling.h"
#include "workflow/json_path.h"
#include "workflow/payload_template.h"
#include "workflow/state_io.h"

namespace lifeboat::workflow {

//! What every kind of state has. `retry` and `catchers` are empty for the kinds that may
//! not have them (Pass, Choice, Wait, Succeed, Fail): an error there fails the execution.
struct StateCommon {
  std::string name;
  std::string type;  //!< "Pass", "Task", …: event names are built from it
  SelectionPath input_path;
  SelectionPath output_path;
  std::optional<std::string> next;  //!< Next; unset for End and the terminal kinds
  std::vector<Retrier> retry;
  std::vector<Catcher> catchers;
};

//! ResultSelector and ResultPath of a state that produces a result.
struct ResultHandling {
  std::optional<PayloadTemplate> selector;
  ResultPath path;
};

//! A sub-machine a Parallel branch or a Map iteration runs as a child execution.
struct ChildMachine {
  std::string start_at;
  std::string definition;  //!< JSON text, stored as the child execution's definition
};

struct PassState : StateCommon {
  std::optional<PayloadTemplate> parameters;
  std::optional<core::Json> result;
  ResultPath result_path;
};

struct TaskState : StateCommon {
  std::string resource;
  std::optional<PayloadTemplate> parameters;
  ResultHandling result;
  std::optional<std::int64_t> timeout_seconds;
  std::optional<std::int64_t> heartbeat_seconds;
  std::optional<JsonPath> timeout_seconds_path;
  std::optional<JsonPath> heartbeat_seconds_path;
};

struct ChoiceState : StateCommon {
  struct Choice {
    ChoiceRule rule;
    std::string next;
  };
  std::vector<Choice> choices;
  std::optional<std::string> default_next;
};

struct WaitState : StateCommon {
  //! Exactly one is set: Seconds, Timestamp (its text and time), SecondsPath, TimestampPath.
  std::optional<std::int64_t> seconds;
  std::optional<std::string> timestamp;
  core::Clock::WallTime timestamp_time{};
  std::optional<JsonPath> seconds_path;
  std::optional<JsonPath> timestamp_path;
};

struct SucceedState : StateCommon {};

struct FailState : StateCommon {
  std::string error = "States.Failed";
  std::string cause;
  //! ErrorPath / CausePath as written, and parsed when it is a path (not an intrinsic call).
  struct Source {
    std::string text;
    std::optional<JsonPath> path;
  };
  std::optional<Source> error_path;
  std::optional<Source> cause_path;
};

struct ParallelState : StateCommon {
  std::optional<PayloadTemplate> parameters;
  ResultHandling result;
  std::vector<ChildMachine> branches;
};

struct MapState : StateCommon {
  std::optional<JsonPath> items_path;
  //! ItemSelector (or the older Parameters), applied to each item.
  std::optional<PayloadTemplate> item_selector;
  ResultHandling result;
  std::int64_t max_concurrency = 0;  //!< 0: no limit but the inline Map's
  ChildMachine processor;
};

using State = std::variant<PassState, TaskState, ChoiceState, WaitState, SucceedState, FailState,
                           ParallelState, MapState>;

//! The part every kind has.
const StateCommon& common(const State& state);

//! Builds the state `name` from its JSON, which the validator accepted (syntax only). Fails
//! only if a field the validator let through still does not parse.
core::Result<State> parse_state(const std::string& name, const core::Json& state);

}  // namespace lifeboat::workflow

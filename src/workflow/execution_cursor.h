// ExecutionCursor: the executor's private progress record of one execution — which state
// it is in, in which phase, its retry counts, poll times and child progress — stored as
// JSON text in store::ExecutionRecord::cursor.
//
// parse() and dump() are the one place that JSON is read and written. The keys are those
// the executor has always written, so a cursor stored by an older binary loads (fields it
// lacks take their defaults; `running`, the ids of the running children of a
// Parallel/Map, is rebuilt from the store when absent). Plain value; not thread safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

//! Where an execution is inside its current state.
enum class Phase {
  kEnter,          //!< about to enter the state
  kWait,           //!< in a Wait until the record's wake_at
  kTask,           //!< a Task scheduled or running
  kRetry,          //!< back-off before a retry, until wake_at
  kPoll,           //!< a Task not ready: run it again at wake_at
  kStartChildren,  //!< a Parallel/Map about to start its children
  kChildren,       //!< a Parallel/Map waiting on its children
  kDone,           //!< the execution finished
};

struct ExecutionCursor {
  std::string state;  //!< the current state's name
  core::Json input;   //!< the state's raw input
  Phase phase = Phase::kEnter;
  core::Json exec = core::Json::object();  //!< the context object's "Execution"

  // Carried from state to state.
  std::int64_t transitions = 0;  //!< state transitions so far
  std::int64_t history = 1;      //!< this execution's events so far
  bool limit_hit = false;        //!< a limit error was raised already
  //! Children of a retried Parallel/Map keep increasing branch indexes: the first of the
  //! current round.
  std::int64_t first_child_index = 0;

  // Within the current state.
  std::optional<std::string> entered;              //!< RFC 3339, as the context object shows it
  int attempt = 0;                                 //!< retries so far ($$.State.RetryCount)
  std::map<std::size_t, int> retries;              //!< retries per retrier index
  std::optional<core::Json> effective;             //!< the input after InputPath (and Parameters)
  std::optional<std::int64_t> timeout;             //!< a Task's resolved timeout, in seconds
  std::optional<std::int64_t> polls;               //!< set once a Task answered "not ready"
  std::optional<core::Clock::WallTime> first_run;  //!< when the Task's attempt first ran
  Phase retry_phase = Phase::kTask;                //!< the phase a retry goes back to

  // A Parallel/Map in the children phase.
  std::optional<core::Json> items;  //!< the input of each child, in order
  std::int64_t started = 0;         //!< children started so far
  std::int64_t round = 0;           //!< attempts of the state so far
  //! Ids of the started children not yet seen finished; unset in cursors written before
  //! it existed (then rebuilt from the store).
  std::optional<std::vector<std::string>> running;

  //! Reads a stored cursor; InvalidArgument when it is not one.
  static core::Result<ExecutionCursor> parse(std::string_view text);
  //! The JSON text to store.
  std::string dump() const;
};

}  // namespace lifeboat::workflow

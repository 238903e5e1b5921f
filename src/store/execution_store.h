// ExecutionStore: the persistence the workflow executor needs — execution rows, their
// append-only event history (GetExecutionHistory style) and the dead-letter table.
//
// Every write() is one transaction: new rows, updated rows and appended events commit
// together or not at all, which is what lets the executor resume after `kill -9` from
// exactly the last recorded step. An update names the version it read; if the row
// changed since (another process stopped the execution, say), nothing is written and
// the result is FailedPrecondition. Implementations are thread safe and may be shared by
// several processes through the same database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace lifeboat::store {

//! The status of an execution.
enum class ExecutionStatus { kRunning, kSucceeded, kFailed, kAborted };

//! Its name as Step Functions spells it ("RUNNING", "SUCCEEDED", "FAILED", "ABORTED"): the
//! one spelling in the database, the HTTP API and the CLI.
std::string_view execution_status_name(ExecutionStatus status);
//! The status `text` names; InvalidArgument listing the names for anything else.
core::Result<ExecutionStatus> parse_execution_status(std::string_view text);

struct ExecutionRecord {
  std::string id;
  std::string name;
  std::string parent_id;          //!< empty for a top-level execution
  std::int64_t branch_index = 0;  //!< position among its parent's children
  std::string definition;         //!< the (sub-)state machine, JSON text
  ExecutionStatus status = ExecutionStatus::kRunning;
  std::string input;                  //!< JSON text
  std::optional<std::string> output;  //!< JSON text, once SUCCEEDED
  std::optional<std::string> error;   //!< once FAILED/ABORTED
  std::optional<std::string> cause;
  std::string cursor;  //!< the executor's private progress record, JSON text
  //! When a Wait, retry back-off or poll is due. Times are stored as RFC 3339 text with
  //! millisecond precision (the store converts; a time read back is rounded down to it).
  std::optional<core::Clock::WallTime> wake_at;
  core::Clock::WallTime start_time{};
  std::optional<core::Clock::WallTime> stop_time;
  std::int64_t version = 0;  //!< bumped by every update (optimistic concurrency)

  bool operator==(const ExecutionRecord&) const = default;
};

struct ExecutionEvent {
  std::string execution_id;
  std::int64_t id = 0;  //!< 1, 2, 3 … per execution; assigned by write()
  std::int64_t previous_event_id = 0;
  std::string type;       //!< e.g. "TaskStateEntered"
  std::string timestamp;  //!< RFC 3339
  std::string details;    //!< JSON text
  //! The lease it was committed under (execution_leases.h): the daemon that ran the step
  //! and its lease's token; "" and 0 for a write without a lease. Set by write().
  std::string lease_owner;
  std::int64_t lease_token = 0;

  bool operator==(const ExecutionEvent&) const = default;
};

//! The lease a write is made under (execution_leases.h): the top-level execution whose
//! lease it is, its owner and its token.
struct LeaseFence {
  std::string execution_id;
  std::string owner;
  std::int64_t token = 0;

  bool operator==(const LeaseFence&) const = default;
};

//! One atomic batch of changes.
struct ExecutionWrite {
  std::vector<ExecutionRecord> creates;  //!< new rows (version is set to 1)
  std::vector<ExecutionRecord> updates;  //!< rows whose `version` is the one read
  std::vector<ExecutionEvent> events;    //!< appended in order
  //! When set, the write commits only if this lease is still held, unexpired at `fence_time`
  //! (FailedPrecondition otherwise, and nothing is written).
  std::optional<LeaseFence> fence;
  core::Clock::WallTime fence_time{};
};

struct ExecutionFilter {
  bool top_level_only = true;
  std::optional<ExecutionStatus> status;
  std::optional<std::string> parent_id;  //!< children of this execution (overrides top_level_only)
  std::optional<std::int64_t> min_branch_index;  //!< only rows with branch_index >= this
  std::optional<std::vector<std::string>> ids;   //!< only these executions (none if empty)
  std::int64_t limit = 1000;
};

inline constexpr const char* kDeadLetterPending = "PENDING";
inline constexpr const char* kDeadLetterRedriven = "REDRIVEN";

struct DeadLetter {
  std::string id;
  std::string execution_id;
  std::string created_at;  //!< RFC 3339
  std::string payload;     //!< JSON text: the execution input to replay
  std::string definition;  //!< JSON text: the state machine to replay it with ("" if unknown)
  std::string error;
  std::string cause;
  std::string status = kDeadLetterPending;
  std::optional<std::string> redrive_execution_id;

  bool operator==(const DeadLetter&) const = default;
};

class ExecutionStore {
 public:
  virtual ~ExecutionStore() = default;

  //! Applies `w` atomically (see the header comment).
  virtual core::Status write(const ExecutionWrite& w) = 0;
  virtual core::Result<std::optional<ExecutionRecord>> get_execution(const std::string& id) = 0;
  //! Executions matching `filter`, newest first (children: by branch_index).
  virtual core::Result<std::vector<ExecutionRecord>> list_executions(
      const ExecutionFilter& filter) = 0;
  //! The history of execution `id`, oldest first.
  virtual core::Result<std::vector<ExecutionEvent>> list_events(const std::string& id) = 0;

  //! Adds a dead letter; an existing one with the same execution_id is left as is
  //! (so the deadletter.send task is idempotent).
  virtual core::Status add_dead_letter(const DeadLetter& letter) = 0;
  //! Dead letters, newest first.
  virtual core::Result<std::vector<DeadLetter>> list_dead_letters() = 0;
  virtual core::Result<std::optional<DeadLetter>> get_dead_letter(const std::string& id) = 0;
  //! Marks `id` REDRIVEN by `execution_id`. FailedPrecondition if it was redriven already.
  virtual core::Status mark_redriven(const std::string& id, const std::string& execution_id) = 0;
};

}  // namespace lifeboat::store

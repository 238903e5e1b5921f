// Executor::Step: one step of one execution in progress — the record as read, its cursor,
// and what the step will write in its one atomic commit. Private to the executor and its
// state handlers (workflow/states/); not thread safe.
#pragma once

#include <string>
#include <vector>

#include "store/execution_store.h"
#include "workflow/execution_cursor.h"
#include "workflow/executor.h"

namespace lifeboat::workflow {

struct Executor::Step {
  store::ExecutionRecord rec;
  ExecutionCursor cursor;
  std::vector<store::ExecutionEvent> events;
  std::vector<store::ExecutionRecord> creates;
  std::vector<store::ExecutionRecord> child_updates;
  std::vector<std::string> wake_after_commit;
  bool requeue = false;  // run this execution again right after the commit
  bool touched = false;  // the record changed without an event: commit it anyway
};

}  // namespace lifeboat::workflow

// WorkflowRuntime: the executor with every built-in task resource wired to a store and a
// registry — what `lifeboat executions …`, `lifeboat dlq …` and the daemon run.
//
// Borrows `store`, `registry` and `clock` (they must outlive it); owns the execution
// store, the resource registry and the executor. One thread drives it (as Executor).
#pragma once

#include <memory>

#include "core/clock.h"
#include "registry/registry.h"
#include "store/sql_execution_store.h"
#include "store/store.h"
#include "workflow/executor.h"
#include "workflow/task_resource_registry.h"

namespace lifeboat::tasks {

class WorkflowRuntime {
 public:
  //! `admission` (borrowed, may be null) rations copies per volume (task_admission.h).
  WorkflowRuntime(store::Store& store, registry::Registry& registry, const core::Clock& clock,
                  workflow::TaskAdmission* admission = nullptr);

  store::ExecutionStore& executions() { return executions_; }
  const workflow::TaskResourceRegistry& resources() const { return resources_; }
  workflow::Executor& executor() { return *executor_; }

 private:
  store::SqlExecutionStore executions_;
  workflow::TaskResourceRegistry resources_;
  std::unique_ptr<workflow::Executor> executor_;
};

//! An execution as users see it (CLI JSON, API): executionArn-like "id", name, status,
//! input/output as JSON, error, cause, startDate, stopDate, parentId.
core::Json execution_to_json(const store::ExecutionRecord& rec);

//! An execution with what `executions show` and GET /v1/executions/{id} add: "definition"
//! (the ASL state machine it runs, as JSON), "path" (the states entered, in order),
//! "history" (every event, details as JSON), "children" (ids of its Parallel/Map child
//! executions) and "childExecutions" (each child's id, branchIndex and status). NotFound
//! names the id.
core::Result<core::Json> execution_detail_json(store::ExecutionStore& executions,
                                               const std::string& id);

//! A dead letter as users see it: payload as JSON; the definition is left out.
core::Json dead_letter_to_json(const store::DeadLetter& letter);

//! The resource registry `workflow validate` checks against: every built-in URI (plus the
//! test ones when enabled), with no services behind them.
workflow::TaskResourceRegistry validation_resources();

}  // namespace lifeboat::tasks

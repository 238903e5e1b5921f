// Running one execution in this process (the CLI's `executions start --wait`,
// `executions resume`, `dlq redrive --wait`) on a store a daemon may share: the run takes
// the execution's lease first (store/execution_leases.h), renews it while it runs, fences
// every step with it, and gives it back at the end, so a daemon never runs the same tree
// at the same time. When a daemon holds the lease already, the execution runs there and
// this process only waits for its end. A lease left by a killed CLI run on this host (its
// process is gone) is taken over at once.
#pragma once

#include <chrono>
#include <string>

#include "core/result.h"
#include "store/execution_store.h"
#include "tasks/workflow_runtime.h"

namespace lifeboat::tasks {

//! This process's name in leases: "cli:<host>:<pid>".
std::string cli_lease_owner();

//! Runs execution `id` (a top-level one, with its children) here until it is no longer
//! RUNNING, holding its lease; or, when another process holds the lease, waits (checking
//! every `poll`) until that process finishes it. Returns the final record.
core::Result<store::ExecutionRecord> run_leased_until_finished(
    WorkflowRuntime& runtime, store::Store& store, const std::string& id,
    std::chrono::milliseconds poll = std::chrono::milliseconds(500));

}  // namespace lifeboat::tasks

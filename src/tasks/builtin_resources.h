// The built-in task resources of shipped workflows, registered by URI:
//
//   lifeboat:transfer.run          runs the replication engine (transfer::run_copy) with
//                                  DataSync-style options from its input; returns the
//                                  report's fields (transfer_run_resource.h).
//   lifeboat:home.await            waits until a home directory exists, looking again
//                                  on a timer and holding no thread (home_await_resource.h).
//   lifeboat:registry.recordResult records a replication result on a profile
//                                  (record_result_resource.h).
//   lifeboat:deadletter.send       records the execution's input in the dead-letter table
//                                  (dead_letter_resource.h).
//
// EVERY RESOURCE HERE IS IDEMPOTENT (the executor re-runs a task interrupted by a crash):
// a copy re-run skips what is already there, awaiting a home is a check, recording a
// result sets the same values, and one execution has at most one dead letter.
#pragma once

#include "core/clock.h"
#include "fs/file_system.h"
#include "registry/registry.h"
#include "store/execution_store.h"
#include "workflow/task_resource_registry.h"

namespace lifeboat::tasks {

//! What the resources work on; all borrowed and must outlive the registry's use. A null
//! service makes the resources that need it fail with "Lifeboat.Unavailable" (so a
//! registry for `workflow validate` needs none of them).
struct BuiltinServices {
  fs::FileSystem* fs = nullptr;
  registry::Registry* registry = nullptr;
  store::ExecutionStore* executions = nullptr;
  const core::Clock* clock = nullptr;
};

//! Adds every built-in resource to `resources`.
void register_builtin_resources(workflow::TaskResourceRegistry& resources,
                                const BuiltinServices& services);

//! A function that adds more resources to a registry.
using ExtraResources = void (*)(workflow::TaskResourceRegistry&);

//! Sets the function WorkflowRuntime and validation_resources() call after the built-in
//! resources, for every registry they build from then on (nullptr: none, the default).
//! The shipped binary never sets one; test binaries set it to add the lifeboat:test.*
//! resources (src/testing/test_resources.h). Call it before any WorkflowRuntime is made.
void set_extra_resources(ExtraResources add);

//! Calls the function set_extra_resources() set, if any.
void add_extra_resources(workflow::TaskResourceRegistry& resources);

}  // namespace lifeboat::tasks

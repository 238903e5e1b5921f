// Redriving a dead letter: start a new execution of the letter's definition with its
// input, and mark the letter REDRIVEN by it. Shared by `lifeboat dlq redrive` and the
// daemon's POST /v1/dead-letters/{id}/redrive.
#pragma once

#include <string>

#include "core/result.h"
#include "tasks/workflow_runtime.h"

namespace lifeboat::tasks {

//! Starts the redrive execution on `runtime`'s executor (queued there when `queue_here`,
//! else only recorded for another executor to resume). Returns the new execution id.
//! NotFound for an unknown letter; FailedPrecondition if it was redriven already.
core::Result<std::string> redrive_dead_letter(WorkflowRuntime& runtime, const std::string& id,
                                              bool queue_here = true);

}  // namespace lifeboat::tasks

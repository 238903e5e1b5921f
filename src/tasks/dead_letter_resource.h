// lifeboat:deadletter.send — records a failed execution in the dead-letter table (the
// reference design's SQS dead-letter queue), so `lifeboat dlq redrive` can replay it.
//
// Input: the Catch output, {"Error": E, "Cause": C} (other fields are ignored). The letter
// holds the top-level execution's input and definition (read from the ExecutionStore),
// the error and the cause. Output: the input plus "deadLetterId".
//
// IDEMPOTENT: one execution has at most one dead letter; a re-run finds the first.
// Thread safe as the ExecutionStore it borrows.
#pragma once

#include "store/execution_store.h"
#include "workflow/task_resource.h"

namespace lifeboat::tasks {

class DeadLetterResource final : public workflow::TaskResource {
 public:
  //! `executions` is borrowed (null: every run fails with Lifeboat.Unavailable).
  explicit DeadLetterResource(store::ExecutionStore* executions) : executions_(executions) {}
  core::Result<core::Json> run(const core::Json& input, workflow::TaskContext& ctx) override;

 private:
  store::ExecutionStore* executions_;
};

}  // namespace lifeboat::tasks

// TaskAdmission: lets whoever drives an Executor ration the tasks that share a resource —
// the daemon's worker pool allows at most `per_volume_concurrency` copies into one volume
// at once, and only while the copy runs (an execution waiting for its home or in a Wait
// holds no slot).
//
// The executor asks try_admit() before it starts a Task whose resource reports
// copies_into_volume(). On true the task runs and release() follows when it returns. On
// false the executor records nothing more for the step: the execution stays, durably, at the
// start of that task, and the executor forgets it. The admission owner must resume the
// execution later (the pool re-queues it when a slot frees); a restart also resumes it.
//
// Thread safety: implementations are called from every thread that drives an executor.
#pragma once

#include "workflow/task_resource.h"

namespace lifeboat::workflow {

class TaskAdmission {
 public:
  virtual ~TaskAdmission() = default;
  //! May `resource` run now for execution ctx.execution_id (whose top-level input is
  //! ctx.execution_input)? False means "not now; I will resume it".
  virtual bool try_admit(const TaskResource& resource, const TaskContext& ctx) = 0;
  //! The admitted task ended (whatever its outcome).
  virtual void release(const TaskResource& resource, const TaskContext& ctx) = 0;
};

}  // namespace lifeboat::workflow

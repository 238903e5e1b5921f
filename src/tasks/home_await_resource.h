// lifeboat:home.await — waits until a home directory exists.
//
// Input: {"path": "/home-volume/200005", "timeoutSeconds": 900, "pollSeconds": 5}
// (timeoutSeconds defaults to 900, pollSeconds to 5). It watches the parent directory with
// inotify (IN_CREATE / IN_MOVED_TO), so a home appears to it at once; where the parent
// does not exist (yet) or inotify is unavailable it polls every pollSeconds. It also gives
// up at the Task's TimeoutSeconds deadline. Output: the input plus "ready": true.
// Fails with "Lifeboat.HomeNotFound" when the time runs out, "Lifeboat.HomeNotDirectory"
// when the path exists but is not a directory, "Lifeboat.Cancelled" when stopped.
//
// IDEMPOTENT: it only looks. Thread safe. Blocks the calling thread while it waits (real
// time: it waits for the outside world, not for the executor's clock).
#pragma once

#include "workflow/task_resource.h"

namespace lifeboat::tasks {

class HomeAwaitResource final : public workflow::TaskResource {
 public:
  core::Result<core::Json> run(const core::Json& input, workflow::TaskContext& ctx) override;
};

}  // namespace lifeboat::tasks

// lifeboat:home.await — waits until a home directory exists, holding no thread.
//
// Input: {"path": "/home-volume/200005", "timeoutSeconds": 2592000, "pollSeconds": 5,
// "maxPollSeconds": 300} (timeoutSeconds defaults to 30 days — a new home may appear only
// when its person first opens Studio — and may be 0 to 31,536,000; pollSeconds defaults
// to 5 and maxPollSeconds to 300, each 1 to 3,600). The wait between looks is a tenth of
// the time waited so far, at least pollSeconds and at most maxPollSeconds: a home that
// appears at once is found within seconds, and a month of waiting costs a few thousand
// looks, not half a million. Each run looks once, through the FileSystem seam: when the
// directory is there the output is the input plus "ready": true; when it is not, the task
// answers "look again in pollSeconds" (workflow::poll_again), so the executor keeps the
// execution on a timer instead of a blocked thread, and the daemon's worker goes on with
// other recoveries. Waiting time is measured from the attempt's first run (ctx.first_run),
// on the executor's clock, so it survives a restart.
//
// Fails with "Lifeboat.HomeNotFound" when timeoutSeconds pass, "Lifeboat.HomeNotDirectory"
// when the path exists but is not a directory (or is reached through a symbolic link, which
// a copy root may not contain), "Lifeboat.InvalidInput" naming the field for bad input,
// "Lifeboat.IoError" when the path cannot be examined (e.g. permission denied).
//
// IDEMPOTENT: it only looks. Thread safe.
#pragma once

#include "fs/file_system.h"
#include "workflow/task_resource.h"

namespace lifeboat::tasks {

class HomeAwaitResource final : public workflow::TaskResource {
 public:
  //! `fs` is borrowed (null: every run fails with Lifeboat.Unavailable).
  explicit HomeAwaitResource(fs::FileSystem* fs) : fs_(fs) {}
  core::Result<core::Json> run(const core::Json& input, workflow::TaskContext& ctx) override;

 private:
  fs::FileSystem* fs_;
};

}  // namespace lifeboat::tasks

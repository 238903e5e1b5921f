// lifeboat:transfer.run — replicates one directory tree into another with the transfer
// engine. Input: transfer::CopyOptions as JSON (source/target plus DataSync-style option
// names), optionally with the options nested under "Options". Output: the CopyReport's
// fields (snake_case, DataSync's result fields).
//
// Errors: "Lifeboat.TransferRefused" when the copy cannot start because of its input (bad
// options, nested roots: retrying will not help); "Lifeboat.TransferError" when it could
// not start or stopped for another reason (a missing root, ENOSPC: may be transient);
// "Lifeboat.TransferPartial" when some files failed.
//
// Stops early (within a chunk of data) when the execution is interrupted or the Task's
// TimeoutSeconds deadline passes.
//
// IDEMPOTENT: a re-run copies only what is missing or changed and leaves the same tree.
// Thread safe (holds only the file-system pointer).
#pragma once

#include "fs/file_system.h"
#include "workflow/task_resource.h"

namespace lifeboat::tasks {

class TransferRunResource final : public workflow::TaskResource {
 public:
  //! `fs` is borrowed (null: every run fails with Lifeboat.Unavailable).
  explicit TransferRunResource(fs::FileSystem* fs) : fs_(fs) {}
  core::Result<core::Json> run(const core::Json& input, workflow::TaskContext& ctx) override;
  //! A copy: the daemon rations these per target volume while they run.
  bool copies_into_volume() const override { return true; }

 private:
  fs::FileSystem* fs_;
};

}  // namespace lifeboat::tasks

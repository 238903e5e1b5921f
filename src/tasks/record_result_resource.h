// lifeboat:registry.recordResult — records the outcome of a replication on a profile
// (registry::Registry::record_result).
//
// Input: {"domainName": D, "profileName": P, "kind": "user"|"space" (default user),
//         "status": S (default SUCCESS, or the report's "status"),
//         "report": <lifeboat:transfer.run output>}  — bytes_written, bytes_transferred,
// files_transferred and total_duration_ms are read from "report". The execution id is the
// top-level execution's. Output: the input. Errors: "Lifeboat.ProfileNotFound",
// "Lifeboat.InvalidInput", or the store's fault as "Lifeboat.<StatusCode>".
//
// IDEMPOTENT: recording the same result twice leaves the profile as recording it once.
// Thread safe as the Registry it borrows.
#pragma once

#include "registry/registry.h"
#include "workflow/task_resource.h"

namespace lifeboat::tasks {

class RecordResultResource final : public workflow::TaskResource {
 public:
  //! `registry` is borrowed (null: every run fails with Lifeboat.Unavailable).
  explicit RecordResultResource(registry::Registry* registry) : registry_(registry) {}
  core::Result<core::Json> run(const core::Json& input, workflow::TaskContext& ctx) override;

 private:
  registry::Registry* registry_;
};

}  // namespace lifeboat::tasks

// Dispatcher: the change-stream consumer that starts recoveries (the reference design's
// DynamoDB-stream Lambda).
//
// step() reads every change after the consumer's saved checkpoint, applies the recovery
// rule (recovery_planner.h) and, for each change that qualifies, asks `starter` to start
// execution recovery_execution_id(seq) with the planned input; then it saves the
// checkpoint. The id is derived from the change's sequence number, so a crash between a
// start and the checkpoint never starts two: the second start finds the id taken
// (AlreadyExists), which counts as started. Volumes are looked up in the store at each
// step, so `lifeboat volumes add` takes effect while the daemon runs.
//
// Thread safety: one thread calls step(); the Store is shared.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/json.h"
#include "core/result.h"
#include "dispatch/recovery_planner.h"
#include "store/store.h"

namespace lifeboat::dispatch {

//! The consumer name the daemon's dispatcher keeps its checkpoint under.
inline constexpr const char* kRecoveryConsumer = "recovery-dispatcher";

class Dispatcher {
 public:
  //! Starts execution `id` with `input`; AlreadyExists when that id was started before.
  using Starter = std::function<core::Status(const std::string& id, const core::Json& input)>;
  //! Called for every change looked at, with the decision's reason (for logs).
  using Observer = std::function<void(std::int64_t seq, bool started, const std::string& reason)>;

  //! Borrows `store`; it must outlive the dispatcher.
  Dispatcher(store::Store& store, RecoveryDefaults defaults, Starter starter,
             Observer observer = {}, std::string consumer_name = kRecoveryConsumer);

  //! Handles up to `batch` changes after the checkpoint. Returns how many changes were
  //! handled (0: the stream is drained). On a starter or store error nothing after the
  //! failing change is checkpointed, and the error is returned.
  core::Result<std::int64_t> step(std::int64_t batch = 256);

  //! The saved checkpoint (last handled seq).
  core::Result<std::int64_t> checkpoint();

 private:
  store::Store& store_;
  RecoveryDefaults defaults_;
  Starter starter_;
  Observer observer_;
  std::string consumer_name_;
};

}  // namespace lifeboat::dispatch

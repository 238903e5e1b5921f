#include "dispatch/dispatcher.h"

#include <map>
#include <utility>
#include <vector>

#include "dispatch/recovery_planner.h"

namespace lifeboat::dispatch {

Dispatcher::Dispatcher(store::Store& store, RecoveryDefaults defaults, Starter starter,
                       Observer observer, std::string consumer_name)
    : store_(store),
      defaults_(std::move(defaults)),
      starter_(std::move(starter)),
      observer_(std::move(observer)),
      consumer_name_(std::move(consumer_name)) {}

core::Result<std::int64_t> Dispatcher::checkpoint() {
  std::int64_t seq = 0;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](store::StoreTransaction& txn) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(seq, txn.consumer_checkpoint(consumer_name_));
    return core::Status::ok();
  }));
  return seq;
}

core::Result<std::int64_t> Dispatcher::step(std::int64_t batch) {
  std::vector<store::Change> changes;
  std::map<std::string, std::string> mounts;
  LIFEBOAT_RETURN_IF_ERROR(store_.read([&](store::StoreTransaction& txn) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t after, txn.consumer_checkpoint(consumer_name_));
    LIFEBOAT_ASSIGN_OR_RETURN(changes, txn.read_changes(after, batch));
    if (changes.empty()) return core::Status::ok();
    LIFEBOAT_ASSIGN_OR_RETURN(auto volumes, txn.list_volumes());
    for (const auto& v : volumes) mounts[v.id] = v.mount_path;
    return core::Status::ok();
  }));
  if (changes.empty()) return std::int64_t{0};

  const VolumeLookup lookup = [&](const std::string& id) -> std::optional<std::string> {
    auto it = mounts.find(id);
    if (it == mounts.end()) return templated_volume_path(defaults_, id);
    return it->second;
  };
  std::int64_t handled_seq = 0;
  core::Status failure;
  for (const store::Change& change : changes) {
    RecoveryDecision decision = plan_recovery(change, lookup, defaults_);
    bool started = false;
    if (decision.input) {
      core::Status st = starter_(recovery_execution_id(change.seq), *decision.input);
      if (!st.is_ok() && st.code() != core::StatusCode::kAlreadyExists) {
        failure = st.with_context(decision.reason);
        break;
      }
      started = st.is_ok();
    }
    if (observer_) observer_(change.seq, started, decision.reason);
    handled_seq = change.seq;
  }
  if (handled_seq > 0) {
    LIFEBOAT_RETURN_IF_ERROR(store_.transact([&](store::StoreTransaction& txn) {
      return txn.set_consumer_checkpoint(consumer_name_, handled_seq);
    }));
  }
  if (!failure.is_ok()) return failure;
  return static_cast<std::int64_t>(changes.size());
}

}  // namespace lifeboat::dispatch

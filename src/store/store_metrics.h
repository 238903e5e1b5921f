// StoreMetrics: the figures the daemon's monitoring reads from the store (GET /metrics,
// GET /v1/status; docs/architecture.md, "Monitoring"), each one aggregate query, all read in
// one snapshot. They describe the store, so on a store shared by several daemons every
// daemon reads the same values: they are cluster figures, never to be summed across daemons.
//
// The queries are bounded by the tables' sizes, never by input: counts and sums over
// `executions` (top-level rows), `dead_letters`, `profiles`, `transfers`, and two point reads
// (`counters`, `change_consumers`). Callers cache the result (HealthReport reads at most
// once a second).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/execution_store.h"
#include "store/store.h"

namespace lifeboat::store {

//! Top-level executions per status, indexed by ExecutionStatus (kRunning, kSucceeded, ...).
using ExecutionCounts = std::array<std::int64_t, 4>;

//! Executions that finished (stop_time) within one UTC hour, by status.
struct HourlyFinished {
  core::Clock::WallTime hour{};  //!< start of the hour
  ExecutionCounts counts{};
};

//! Profile rows by status and replication flag.
struct ProfileCounts {
  std::int64_t active_replicating = 0;  //!< active, replication on ("protected")
  std::int64_t active_opted_out = 0;    //!< active, replication off
  std::int64_t pending_replicating = 0;
  std::int64_t pending_opted_out = 0;
  std::int64_t deleted_replicating = 0;
  std::int64_t deleted_opted_out = 0;

  std::int64_t total() const {
    return active_replicating + active_opted_out + pending_replicating + pending_opted_out +
           deleted_replicating + deleted_opted_out;
  }
};

struct StoreMetrics {
  ExecutionCounts executions{};           //!< every top-level execution, by status
  ExecutionCounts finished_last_24h{};    //!< stop_time within 24 h of `now`
  ExecutionCounts finished_last_7d{};     //!< stop_time within 7 days of `now`
  std::vector<HourlyFinished> by_hour;    //!< the 24 hours up to and including now's, oldest first
  std::int64_t dead_letters_pending = 0;  //!< PENDING dead letters (not yet redriven)
  ProfileCounts profiles;
  std::int64_t transfers = 0;            //!< recorded replication results
  std::int64_t bytes_transferred = 0;    //!< their sum
  std::int64_t files_transferred = 0;    //!< their sum
  std::int64_t last_change = 0;          //!< the newest change-stream sequence number
  std::int64_t consumer_checkpoint = 0;  //!< the consumer's last handled change
  //! last_change - consumer_checkpoint: changes not yet dispatched (never negative).
  std::int64_t change_lag() const {
    return last_change > consumer_checkpoint ? last_change - consumer_checkpoint : 0;
  }
};

//! Reads every figure in one read transaction; `consumer` is the change-stream consumer
//! whose lag is measured (the dispatcher's), `now` the time the windows end at.
core::Result<StoreMetrics> read_store_metrics(Store& store, std::string_view consumer,
                                              core::Clock::WallTime now);

}  // namespace lifeboat::store

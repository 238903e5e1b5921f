// HealthReport: the daemon's health as GET /v1/status (JSON, for the dashboard's overview
// and `lifeboat status`) and GET /metrics (the Prometheus text format) answer it; README,
// "Monitoring", lists every field and metric.
//
// Figures come from three places (docs/architecture.md, "Monitoring"): the store
// (store/store_metrics.h: recoveries, dead letters, profiles, transfers, change-stream lag
// — cluster figures, the same on every daemon sharing the store), this daemon's counters
// (DaemonMetrics) and the live state the daemon hands in as HealthSources (workers, last
// reconcile, dispatcher lease). The store is read at most once per `cache_for` (1 s) however
// many clients ask: concurrent requests wait for one read and share it, so a scrape storm
// costs the store one read a second. A store that cannot be read is reported, never
// an error answer: the figures it holds are left out and `attention` says why.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/json.h"
#include "server/daemon_metrics.h"
#include "store/store.h"
#include "store/store_metrics.h"

namespace lifeboat::server {

//! The daemon's live state, asked for at each request.
struct HealthSources {
  std::string node;     //!< [cluster] node_id, else the host name
  std::string version;  //!< the binary's version
  core::Clock::WallTime started_at{};
  int workers = 0;                             //!< worker threads
  std::function<std::int64_t()> workers_busy;  //!< threads running a tree now
  std::function<std::optional<core::Clock::WallTime>()> last_reconcile;  //!< none: never
  std::function<bool()> dispatching;             //!< this daemon holds the dispatcher lease
  std::function<bool()> ready;                   //!< not stopping
  std::string consumer = "recovery-dispatcher";  //!< the change-stream consumer measured
  std::string dispatcher_lease = "dispatcher";   //!< the named lease of the dispatcher
};

class HealthReport {
 public:
  //! Borrows `store`, `clock` and `metrics`.
  HealthReport(store::Store& store, const core::Clock& clock, DaemonMetrics& metrics,
               HealthSources sources,
               std::chrono::milliseconds cache_for = std::chrono::seconds(1));

  //! The body of GET /v1/status.
  core::Json status();
  //! The body of GET /metrics.
  std::string metrics_text();

 private:
  struct StoreRead {
    core::Result<store::StoreMetrics> figures = core::Status::unavailable("not read yet");
    bool dispatcher_held = false;  // some daemon holds the dispatcher lease unexpired
    core::Clock::WallTime at{};
  };
  //! The cached store figures, read again when older than cache_for_.
  StoreRead store_read();

  store::Store& store_;
  const core::Clock& clock_;
  DaemonMetrics& metrics_;
  HealthSources sources_;
  std::chrono::milliseconds cache_for_;

  std::mutex mu_;  // held while the store is read: concurrent callers share one read
  std::optional<StoreRead> cached_;
  core::Clock::SteadyTime cached_at_{};
};

}  // namespace lifeboat::server

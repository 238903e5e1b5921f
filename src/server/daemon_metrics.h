// DaemonMetrics: what this daemon process measures about itself for GET /metrics (README,
// "Monitoring"): events received by outcome, HTTP request latency by route pattern and
// status code, store operation latency (TimedStore), and the durations of the recoveries
// this daemon's workers finished. Figures read from the store are HealthReport's.
//
// Label values come from closed sets only (the outcomes below, the router's patterns,
// the codes the server answers), so no client can grow the number of series
// (docs/security.md). Thread safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/event_intake.h"
#include "server/histogram.h"
#include "server/prometheus_text.h"

namespace lifeboat::server {

class DaemonMetrics {
 public:
  //! The outcomes lifeboat_events_total counts: an intake item's (event_intake.h), "refused"
  //! for each event of a batch answered 400 (counted as one: the batch could not be read),
  //! and "other" for anything else.
  static constexpr std::array<std::string_view, 7> kEventOutcomes = {
      "applied", "duplicate", "stale", "ignored", "held", "refused", "other"};

  DaemonMetrics();

  void count_events(const std::vector<IntakeItem>& items);
  void count_refused_batch();
  //! One answered request: `route` is the matched pattern ("GET /v1/profiles/{domain}/…")
  //! or "unmatched", never the raw path.
  void observe_request(std::string_view route, int code, double seconds);

  Histogram& store_reads() { return store_read_; }
  Histogram& store_writes() { return store_write_; }
  Histogram& recovery_durations() { return recovery_; }

  //! Writes every family above.
  void write(PrometheusText& out) const;

 private:
  std::array<std::atomic<std::uint64_t>, kEventOutcomes.size()> events_{};
  Histogram store_read_;
  Histogram store_write_;
  Histogram recovery_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::unique_ptr<Histogram>> requests_;
};

}  // namespace lifeboat::server

#include "server/daemon_metrics.h"

namespace lifeboat::server {

DaemonMetrics::DaemonMetrics()
    : store_read_(Histogram::latency_bounds()),
      store_write_(Histogram::latency_bounds()),
      recovery_(Histogram::recovery_bounds()) {}

void DaemonMetrics::count_events(const std::vector<IntakeItem>& items) {
  for (const auto& item : items) {
    std::size_t i = 0;
    while (i + 1 < kEventOutcomes.size() && kEventOutcomes[i] != item.outcome) ++i;
    events_[i].fetch_add(1, std::memory_order_relaxed);
  }
}

void DaemonMetrics::count_refused_batch() {
  events_[5].fetch_add(1, std::memory_order_relaxed);  // "refused"
}

void DaemonMetrics::observe_request(std::string_view route, int code, double seconds) {
  Histogram* h = nullptr;
  {
    std::lock_guard lock(mu_);
    auto& slot = requests_[{std::string(route), code}];
    if (!slot) slot = std::make_unique<Histogram>(Histogram::latency_bounds());
    h = slot.get();  // never freed while this object lives
  }
  h->observe(seconds);
}

void DaemonMetrics::write(PrometheusText& out) const {
  out.family("lifeboat_events_total",
             "Events this daemon received on POST /v1/events, by outcome (this daemon only: "
             "sum across daemons for the cluster).",
             "counter");
  for (std::size_t i = 0; i < kEventOutcomes.size(); ++i) {
    out.sample("lifeboat_events_total", {{"outcome", std::string(kEventOutcomes[i])}},
               static_cast<double>(events_[i].load(std::memory_order_relaxed)));
  }
  out.family("lifeboat_recovery_duration_seconds",
             "Start to stop of the recoveries (top-level executions) this daemon's workers "
             "finished since it started (this daemon only).",
             "histogram");
  out.histogram("lifeboat_recovery_duration_seconds", {}, recovery_.snapshot());
  out.family("lifeboat_store_operation_duration_seconds",
             "Store transactions of this daemon, by op (read, write), including waiting for "
             "the database.",
             "histogram");
  out.histogram("lifeboat_store_operation_duration_seconds", {{"op", "read"}},
                store_read_.snapshot());
  out.histogram("lifeboat_store_operation_duration_seconds", {{"op", "write"}},
                store_write_.snapshot());
  out.family("lifeboat_http_request_duration_seconds",
             "HTTP requests this daemon answered, by route pattern and status code "
             "(route=\"unmatched\" for paths no route has).",
             "histogram");
  std::lock_guard lock(mu_);
  for (const auto& [key, h] : requests_) {
    out.histogram("lifeboat_http_request_duration_seconds",
                  {{"route", key.first}, {"code", std::to_string(key.second)}}, h->snapshot());
  }
}

}  // namespace lifeboat::server

#include "server/health_report.h"

#include <tuple>

#include <fmt/format.h>

#include "core/time_format.h"
#include "server/process_metrics.h"
#include "store/execution_leases.h"

namespace lifeboat::server {
namespace {

using core::Json;
using store::ExecutionStatus;

constexpr auto idx(ExecutionStatus s) { return static_cast<std::size_t>(s); }

Json window_json(const store::ExecutionCounts& c) {
  return {{"succeeded", c[idx(ExecutionStatus::kSucceeded)]},
          {"failed", c[idx(ExecutionStatus::kFailed)]},
          {"other", c[idx(ExecutionStatus::kAborted)]}};
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The cluster figures' HELP texts say so, so nobody sums them across daemons.
constexpr std::string_view kCluster =
    " (cluster: read from the store, the same on every daemon sharing it; use max(), "
    "never sum() across daemons)";

}  // namespace

HealthReport::HealthReport(store::Store& store, const core::Clock& clock, DaemonMetrics& metrics,
                           HealthSources sources, std::chrono::milliseconds cache_for)
    : store_(store),
      clock_(clock),
      metrics_(metrics),
      sources_(std::move(sources)),
      cache_for_(cache_for) {}

HealthReport::StoreRead HealthReport::store_read() {
  std::lock_guard lock(mu_);
  const auto now_steady = clock_.steady_now();
  if (cached_ && now_steady - cached_at_ < cache_for_) return *cached_;
  StoreRead r;
  r.at = clock_.now();
  r.figures = store::read_store_metrics(store_, sources_.consumer, r.at);
  if (r.figures.is_ok()) {
    auto named = store::ExecutionLeases(store_).named();
    if (named.is_ok()) {
      for (const auto& l : *named) {
        if (l.name == sources_.dispatcher_lease && l.expires_at > r.at) r.dispatcher_held = true;
      }
    } else {
      r.figures = named.status();
    }
  }
  cached_ = r;
  cached_at_ = now_steady;
  return r;
}

Json HealthReport::status() {
  const StoreRead r = store_read();
  const store::StoreMetrics m = r.figures.is_ok() ? *r.figures : store::StoreMetrics{};
  const bool ready = !sources_.ready || sources_.ready();
  const std::int64_t busy = sources_.workers_busy ? sources_.workers_busy() : 0;
  const auto last_reconcile =
      sources_.last_reconcile ? sources_.last_reconcile() : std::optional<core::Clock::WallTime>{};
  const auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(r.at - sources_.started_at).count();

  Json by_hour = Json::array();
  for (const auto& h : m.by_hour) {
    by_hour.push_back({{"hour", core::format_rfc3339(h.hour)},
                       {"succeeded", h.counts[idx(ExecutionStatus::kSucceeded)]},
                       {"failed", h.counts[idx(ExecutionStatus::kFailed)]}});
  }
  const auto& p = m.profiles;
  Json body = {
      {"node", sources_.node},
      {"version", sources_.version},
      {"startedAt", core::format_rfc3339(sources_.started_at)},
      {"uptimeSeconds", uptime < 0 ? 0 : uptime},
      {"ready", ready && r.figures.is_ok()},
      {"store", r.figures.is_ok() ? std::string("ok") : r.figures.status().message()},
      {"workers", {{"total", sources_.workers}, {"busy", busy}}},
      {"streamLag", m.change_lag()},
      {"lastReconcile", last_reconcile ? Json(core::format_rfc3339(*last_reconcile)) : Json()},
      {"dispatcher", sources_.dispatching && sources_.dispatching()},
      {"dispatcherHeld", r.dispatcher_held},
      {"deadLetters", m.dead_letters_pending},
      {"profiles",
       {{"total", p.total()},
        {"protected", p.active_replicating},
        {"optedOut", p.active_opted_out},
        {"pending", p.pending_replicating + p.pending_opted_out},
        {"deleted", p.deleted_replicating + p.deleted_opted_out}}},
      {"recoveries",
       {{"running", m.executions[idx(ExecutionStatus::kRunning)]},
        {"last24h", window_json(m.finished_last_24h)},
        {"last7d", window_json(m.finished_last_7d)},
        {"bytesRestored", m.bytes_transferred},
        {"filesRestored", m.files_transferred}}},
      {"recoveriesByHour", by_hour},
  };

  Json attention = Json::array();
  if (!ready) attention.push_back("the daemon is shutting down");
  if (!r.figures.is_ok()) {
    attention.push_back(
        fmt::format("the store cannot be read ({}); the store's figures above "
                    "read 0",
                    r.figures.status().message()));
  }
  if (auto failed = m.finished_last_24h[idx(ExecutionStatus::kFailed)]; failed > 0) {
    attention.push_back(
        fmt::format("{} failed in the last 24 hours (lifeboat executions list "
                    "--status FAILED)",
                    plural(failed, "recovery", "recoveries")));
  }
  if (m.dead_letters_pending > 0) {
    attention.push_back(
        fmt::format("{} waiting for a redrive (lifeboat dlq list)",
                    plural(m.dead_letters_pending, "dead letter is", "dead letters are")));
  }
  if (r.figures.is_ok() && m.change_lag() > 0 && !r.dispatcher_held) {
    attention.push_back(fmt::format("{} not dispatched and no daemon holds the dispatcher lease",
                                    plural(m.change_lag(), "change is", "changes are")));
  }
  body["attention"] = attention;
  return body;
}

std::string HealthReport::metrics_text() {
  const StoreRead r = store_read();
  PrometheusText out;
  auto gauge = [&](std::string_view name, std::string help, double value) {
    out.family(name, help, "gauge");
    out.sample(name, {}, value);
  };

  out.family("lifeboat_build_info", "The version of this daemon's binary (value 1).", "gauge");
  out.sample("lifeboat_build_info", {{"version", sources_.version}}, 1);
  gauge("lifeboat_store_up", "1 when this daemon's last read of the store succeeded, else 0.",
        r.figures.is_ok() ? 1 : 0);
  gauge("lifeboat_dispatcher",
        "1 when this daemon holds the dispatcher lease (consumes the change stream), else 0.",
        sources_.dispatching && sources_.dispatching() ? 1 : 0);
  gauge("lifeboat_workers", "Worker threads of this daemon.", sources_.workers);
  gauge("lifeboat_workers_busy", "Worker threads of this daemon running a recovery now.",
        static_cast<double>(sources_.workers_busy ? sources_.workers_busy() : 0));
  if (sources_.last_reconcile) {
    if (auto at = sources_.last_reconcile()) {
      gauge("lifeboat_last_reconcile_timestamp_seconds",
            "When this daemon's last reconcile pass with the platform succeeded (Unix time).",
            std::chrono::duration<double>(at->time_since_epoch()).count());
    }
  }

  if (r.figures.is_ok()) {
    const store::StoreMetrics& m = *r.figures;
    out.family(
        "lifeboat_recoveries_total",
        fmt::format("Finished recoveries (top-level workflow executions) by status{}.", kCluster),
        "counter");
    for (auto s :
         {ExecutionStatus::kSucceeded, ExecutionStatus::kFailed, ExecutionStatus::kAborted}) {
      out.sample("lifeboat_recoveries_total",
                 {{"status", std::string(store::execution_status_name(s))}},
                 static_cast<double>(m.executions[idx(s)]));
    }
    gauge("lifeboat_executions_running",
          fmt::format("Recoveries (top-level workflow executions) RUNNING{}.", kCluster),
          static_cast<double>(m.executions[idx(ExecutionStatus::kRunning)]));
    gauge("lifeboat_dead_letters", fmt::format("Dead letters waiting for a redrive{}.", kCluster),
          static_cast<double>(m.dead_letters_pending));
    out.family("lifeboat_profiles",
               fmt::format("Profiles by status (active, pending, deleted) and replication flag "
                           "(on, off){}.",
                           kCluster),
               "gauge");
    const auto& p = m.profiles;
    for (const auto& [status, on, n] : {std::tuple{"active", "on", p.active_replicating},
                                        std::tuple{"active", "off", p.active_opted_out},
                                        std::tuple{"pending", "on", p.pending_replicating},
                                        std::tuple{"pending", "off", p.pending_opted_out},
                                        std::tuple{"deleted", "on", p.deleted_replicating},
                                        std::tuple{"deleted", "off", p.deleted_opted_out}}) {
      out.sample("lifeboat_profiles", {{"status", status}, {"replication", on}},
                 static_cast<double>(n));
    }
    out.family("lifeboat_bytes_copied_total",
               fmt::format("Bytes copied by the recorded replication results (the transfers' "
                           "bytes_transferred){}.",
                           kCluster),
               "counter");
    out.sample("lifeboat_bytes_copied_total", {}, static_cast<double>(m.bytes_transferred));
    out.family("lifeboat_files_copied_total",
               fmt::format("Files copied by the recorded replication results{}.", kCluster),
               "counter");
    out.sample("lifeboat_files_copied_total", {}, static_cast<double>(m.files_transferred));
    out.family("lifeboat_transfers_total", fmt::format("Recorded replication results{}.", kCluster),
               "counter");
    out.sample("lifeboat_transfers_total", {}, static_cast<double>(m.transfers));
    gauge("lifeboat_change_stream_lag",
          fmt::format("Changes in the change stream not yet dispatched{}.", kCluster),
          static_cast<double>(m.change_lag()));
    gauge("lifeboat_dispatcher_lease_held",
          fmt::format("1 when some daemon holds the dispatcher lease unexpired{}.", kCluster),
          r.dispatcher_held ? 1 : 0);
  }

  metrics_.write(out);

  if (auto proc = read_process_figures(); proc.is_ok()) {
    out.family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
               "counter");
    out.sample("process_cpu_seconds_total", {}, proc->cpu_seconds);
    gauge("process_resident_memory_bytes", "Resident memory size in bytes.", proc->resident_bytes);
    gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", proc->virtual_bytes);
    gauge("process_open_fds", "Number of open file descriptors.",
          static_cast<double>(proc->open_fds));
    gauge("process_max_fds", "Maximum number of open file descriptors.",
          static_cast<double>(proc->max_fds));
    gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
          proc->start_time_seconds);
  }
  return out.text();
}

}  // namespace lifeboat::server

#include "server/platform_watch.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace lifeboat::server {

PlatformWatch::PlatformWatch(sync::EventEnricher& enricher, platform::PlatformCatalog& catalog,
                             store::Store& store, registry::Registry& registry,
                             const core::Clock& clock, const platform::PlatformSettings& settings,
                             std::function<void()> on_changes)
    : enricher_(enricher),
      catalog_(catalog),
      reconciler_(catalog, store, registry, clock,
                  sync::ReconcileOptions{sync::SyncMode::kReconcile, settings.domains, false}),
      clock_(clock),
      reconcile_interval_(settings.reconcile_interval_seconds),
      on_changes_(std::move(on_changes)) {}

PlatformWatch::~PlatformWatch() { stop(); }

void PlatformWatch::start() {
  enrich_thread_ = std::thread([this] { enrich_loop(); });
  if (reconcile_interval_.count() > 0)
    reconcile_thread_ = std::thread([this] { reconcile_loop(); });
}

void PlatformWatch::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void PlatformWatch::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  catalog_.cancel();
  if (enrich_thread_.joinable()) enrich_thread_.join();
  if (reconcile_thread_.joinable()) reconcile_thread_.join();
}

void PlatformWatch::enrich_loop() {
  // Without a wake-up, look at least this often (events held by another process).
  constexpr auto kIdleLook = std::chrono::seconds(5);
  for (;;) {
    auto pass = enricher_.run_due();
    auto wait = std::chrono::milliseconds(kIdleLook);
    if (!pass.is_ok()) {
      spdlog::error("enricher: {} (retrying in 5 s)", pass.status().message());
    } else {
      for (const auto& note : pass->notes) spdlog::info("enricher: {}", note);
      if (pass->applied > 0 && on_changes_) on_changes_();
      auto next = enricher_.next_due();
      if (next.is_ok() && next->has_value()) {
        auto until = std::chrono::duration_cast<std::chrono::milliseconds>(**next - clock_.now());
        wait =
            std::clamp(until, std::chrono::milliseconds(0), std::chrono::milliseconds(kIdleLook));
      }
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [&] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

std::optional<core::Clock::WallTime> PlatformWatch::last_reconcile() const {
  std::lock_guard lock(mu_);
  return last_reconcile_;
}

void PlatformWatch::reconcile_loop() {
  for (;;) {
    auto report = reconciler_.run();
    if (!report.is_ok()) {
      spdlog::error("reconcile: {} (next pass in {} s)", report.status().message(),
                    reconcile_interval_.count());
    } else {
      int changed = 0;
      for (const auto& item : report->items) {
        if (item.action == "unchanged") continue;
        if (item.action == "pending") {
          spdlog::debug("reconcile: {} {}/{} pending: {}", item.what, item.domain_id, item.name,
                        item.message);
          continue;
        }
        ++changed;
        spdlog::info("reconcile: {} {}{}{} {}{} ({}{}{})", item.what, item.domain_id,
                     item.name.empty() ? "" : "/", item.name, item.action,
                     item.home.empty() ? "" : " home " + item.home, item.outcome,
                     item.message.empty() ? "" : ": ", item.message);
      }
      spdlog::debug("reconcile: {} domain(s), {} profile(s) listed, {} describe(s), {} change(s)",
                    report->domains_listed, report->profiles_listed, report->describes, changed);
      if (changed > 0 && on_changes_) on_changes_();
    }
    std::unique_lock lock(mu_);
    if (report.is_ok()) last_reconcile_ = clock_.now();
    if (cv_.wait_for(lock, reconcile_interval_, [&] { return stopping_; })) return;
  }
}

}  // namespace lifeboat::server

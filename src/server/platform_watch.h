// PlatformWatch: the daemon's two threads that talk to a platform that can be asked
// (SageMaker): the enricher, which settles held events as soon as they are due (woken at
// once when the API holds one), and the reconciler, which runs a pass every
// `reconcile_interval_seconds` (the first one at start). Both apply through the registry
// and call `on_changes` afterwards so the dispatcher looks at the stream at once. A failed
// pass or attempt is logged and retried later; it never stops the daemon.
//
// Thread safety: start() once, then wake() from any thread; stop() joins both threads.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/clock.h"
#include "platform/platform_catalog.h"
#include "platform/platform_settings.h"
#include "registry/registry.h"
#include "store/store.h"
#include "sync/event_enricher.h"
#include "sync/reconciler.h"

namespace lifeboat::server {

class PlatformWatch {
 public:
  //! Borrows everything but the callbacks; all must outlive the watch.
  PlatformWatch(sync::EventEnricher& enricher, platform::PlatformCatalog& catalog,
                store::Store& store, registry::Registry& registry, const core::Clock& clock,
                const platform::PlatformSettings& settings, std::function<void()> on_changes);
  ~PlatformWatch();
  PlatformWatch(const PlatformWatch&) = delete;
  PlatformWatch& operator=(const PlatformWatch&) = delete;

  void start();
  //! A held event may be due: the enricher looks now.
  void wake();
  //! Cancels calls to the platform in progress (they fail at their next wait) and joins
  //! both threads.
  void stop();
  //! When the last reconcile pass that succeeded ended; none before the first.
  std::optional<core::Clock::WallTime> last_reconcile() const;

 private:
  void enrich_loop();
  void reconcile_loop();

  sync::EventEnricher& enricher_;
  platform::PlatformCatalog& catalog_;
  sync::Reconciler reconciler_;
  const core::Clock& clock_;
  std::chrono::seconds reconcile_interval_;
  std::function<void()> on_changes_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<core::Clock::WallTime> last_reconcile_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread enrich_thread_;
  std::thread reconcile_thread_;
};

}  // namespace lifeboat::server

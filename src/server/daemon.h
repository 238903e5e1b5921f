// Daemon: `lifeboat serve` — the HTTP API, the dispatcher and the workers over one store.
//
// start() opens everything and returns once the API is listening; stop() (from a signal
// thread, say) stops taking requests, interrupts running executions at a safe point and
// joins every thread, leaving unfinished work RUNNING in the store: the next start()
// resumes it. Nothing is held only in memory.
//
// Thread safety: start(), wait() and stop() may be called from different threads; each
// at most once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/json.h"
#include "core/result.h"
#include "server/server_config.h"

namespace lifeboat::server {

class Daemon {
 public:
  //! `store_url` is the store to open (already resolved from --store / --data-dir /
  //! the config). Borrows `clock`.
  Daemon(ServerConfig config, std::string store_url, const core::Clock& clock);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  //! Takes the store's serve lock (a second daemon on one store is refused, naming the
  //! holder), reads or creates the API token, opens the store, registers the configured
  //! volumes, loads and validates the workflow,
  //! resumes unfinished executions, starts the dispatcher and the API. Returns the port
  //! the API listens on.
  core::Result<int> start();
  //! Blocks until stop() and the shutdown finished.
  core::Status wait();
  //! Begins the graceful stop. Thread safe, idempotent, async-signal-unsafe (call it from
  //! a normal thread).
  void stop();

  //! The workflow definition the daemon runs (after start()).
  const core::Json& workflow() const;
  //! Where the API token is (after start()), and whether start() generated it.
  const std::string& token_path() const;
  bool token_created() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

//! The shipped recovery workflow (workflows/recovery.asl.json, built into the binary).
const char* shipped_recovery_workflow();

}  // namespace lifeboat::server

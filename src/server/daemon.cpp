#include "server/daemon.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "core/file_text.h"
#include "dispatch/dispatcher.h"
#include "platform/local_platform_directory.h"
#include "registry/registry.h"
#include "server/api_token.h"
#include "server/daemon_metrics.h"
#include "server/event_intake.h"
#include "server/health_report.h"
#include "server/http_api.h"
#include "server/platform_watch.h"
#include "server/recovery_workflow.h"
#include "server/serve_lock.h"
#include "server/timed_store.h"
#include "server/worker_pool.h"
#include "store/execution_leases.h"
#include "store/open_store.h"
#include "store/sql_execution_store.h"
#include "tasks/dead_letter_redrive.h"
#include "tasks/workflow_runtime.h"
#include "workflow/state_machine.h"

namespace lifeboat::server {

using core::Json;
using core::Status;

const char* shipped_recovery_workflow() { return kShippedRecoveryWorkflow; }

namespace {

// The named lease whose holder consumes the change stream.
constexpr std::string_view kDispatcherLease = "dispatcher";

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "lifeboat";
  return name;
}

}  // namespace

struct Daemon::Impl {
  ServerConfig config;
  std::string store_url;
  const core::Clock& clock;

  ServeLock serve_lock;
  ApiToken token;
  std::unique_ptr<store::Store> store;
  platform::LocalPlatformDirectory platform;
  std::unique_ptr<platform::PlatformCatalog> catalog;  // null for the local platform
  std::unique_ptr<registry::Registry> registry;
  std::unique_ptr<sync::EventEnricher> enricher;
  std::unique_ptr<PlatformWatch> watch;
  std::optional<EventIntake> intake;
  Json workflow;
  std::mutex starter_mu;  // the starter runtime is driven by one thread at a time
  std::unique_ptr<tasks::WorkflowRuntime> starter;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<dispatch::Dispatcher> dispatcher;
  DaemonMetrics metrics;
  std::unique_ptr<HealthReport> health;
  std::atomic<bool> dispatching{false};  // this daemon holds the dispatcher lease
  core::Clock::WallTime started_at{};
  std::unique_ptr<HttpApi> api;
  std::thread api_thread;
  std::thread dispatch_thread;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  bool changes_pending = false;
  bool finished = false;
  bool started = false;

  Impl(ServerConfig c, std::string url, const core::Clock& cl)
      : config(std::move(c)), store_url(std::move(url)), clock(cl) {}

  std::string owner;  // this daemon's name in leases ([cluster] node_id, else the host name)

  Status load_workflow();
  Status register_volumes();
  Status take_back_own_leases();
  Status start_recovery(const std::string& id, const Json& input);
  core::Result<std::string> redrive(const std::string& id);
  void dispatch_loop();
  void wake_dispatcher();
  void observe_finished(const std::string& id, store::ExecutionStatus status);
};

void Daemon::Impl::observe_finished(const std::string& id, store::ExecutionStatus status) {
  if (status == store::ExecutionStatus::kRunning) {
    spdlog::info("execution {} paused; it resumes on the next start", id);
    return;
  }
  spdlog::info("execution {} finished: {}", id, store::execution_status_name(status));
  store::SqlExecutionStore executions(*store);
  auto rec = executions.get_execution(id);
  if (rec.is_ok() && *rec && (*rec)->stop_time) {
    metrics.recovery_durations().observe(
        std::chrono::duration<double>(*(*rec)->stop_time - (*rec)->start_time).count());
  }
}

Status Daemon::Impl::load_workflow() {
  std::string text = kShippedRecoveryWorkflow;
  std::string origin = "the shipped recovery workflow";
  if (!config.workflow.empty()) {
    LIFEBOAT_ASSIGN_OR_RETURN(
        text, core::read_file_text(config.workflow, "the workflow file (setting 'workflow')"));
    origin = fmt::format("workflow file '{}'", config.workflow);
  }
  LIFEBOAT_ASSIGN_OR_RETURN(workflow, core::parse_json(text, origin));
  auto problems = workflow::StateMachine::validate(workflow, &starter->resources(), false);
  if (!problems.empty()) {
    std::string msg =
        fmt::format("{} is not a valid state machine (lifeboat workflow validate):", origin);
    for (const auto& p : problems) msg += "\n  " + p;
    return Status::invalid_argument(msg);
  }
  return Status::ok();
}

Status Daemon::Impl::register_volumes() {
  return store->transact([&](store::StoreTransaction& t) -> Status {
    for (const auto& [id, path] : config.volumes) {
      LIFEBOAT_RETURN_IF_ERROR(t.put_volume({id, path}));
    }
    return Status::ok();
  });
}

Status Daemon::Impl::take_back_own_leases() {
  // Leases this node held before a crash or kill: the process that held them is gone (a
  // node id names one daemon), so they are free now rather than when they expire.
  store::ExecutionLeases leases(*store);
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t n, leases.expire_owned_by(owner));
  if (n > 0) spdlog::info("took back {} lease(s) held by an earlier run of node '{}'", n, owner);
  store::SqlExecutionStore executions(*store);
  store::ExecutionFilter filter;
  filter.status = store::ExecutionStatus::kRunning;
  filter.limit = 1000000;
  LIFEBOAT_ASSIGN_OR_RETURN(auto running, executions.list_executions(filter));
  if (!running.empty()) spdlog::info("{} unfinished execution(s) in the store", running.size());
  return Status::ok();
}

Status Daemon::Impl::start_recovery(const std::string& id, const Json& input) {
  std::lock_guard lock(starter_mu);
  auto started_id = starter->executor().start(workflow, input, id, id, /*queue_here=*/false);
  if (!started_id.is_ok()) return started_id.status();
  pool->submit(*started_id);
  return Status::ok();
}

core::Result<std::string> Daemon::Impl::redrive(const std::string& id) {
  std::lock_guard lock(starter_mu);
  LIFEBOAT_ASSIGN_OR_RETURN(auto execution_id,
                            tasks::redrive_dead_letter(*starter, id, /*queue_here=*/false));
  pool->submit(execution_id);
  spdlog::info("dead letter {} redriven as execution {}", id, execution_id);
  return execution_id;
}

void Daemon::Impl::wake_dispatcher() {
  {
    std::lock_guard lock(mu);
    changes_pending = true;
  }
  cv.notify_all();
}

void Daemon::Impl::dispatch_loop() {
  // Changes written by this process wake the loop at once; changes written by other
  // processes (`lifeboat events put`, another daemon's API) are found by the 50 ms poll,
  // well within 100 ms. One daemon of those on the store dispatches at a time: the holder
  // of the named lease "dispatcher"; the others try again every poll_milliseconds and take
  // over when its lease expires. Two dispatching at once for a moment (a holder paused
  // past its expiry) start nothing twice: a recovery's id derives from its change.
  constexpr auto kPoll = std::chrono::milliseconds(50);
  const std::chrono::milliseconds ttl(config.cluster.lease_seconds * 1000);
  const std::chrono::milliseconds follower_poll(config.cluster.poll_milliseconds);
  store::ExecutionLeases leases(*store);
  core::Clock::WallTime leader_until{};
  bool leader = false;
  for (;;) {
    const auto now = clock.now();
    if (now >= leader_until - ttl * 2 / 3) {  // a third of the lease has passed: renew
      auto lease_token = leases.acquire_named(kDispatcherLease, owner, now, ttl);
      const bool held = lease_token.is_ok() && lease_token->has_value();
      if (held && !leader) {
        spdlog::info("this daemon ({}) now dispatches the change stream (lease token {})", owner,
                     **lease_token);
      } else if (!held && leader) {
        spdlog::warn("this daemon ({}) no longer dispatches the change stream: {}", owner,
                     lease_token.is_ok() ? "another daemon holds the lease"
                                         : lease_token.status().message());
      }
      leader = held;
      dispatching.store(held);
      leader_until = held ? now + ttl : core::Clock::WallTime{};
    }
    auto handled = leader ? dispatcher->step() : core::Result<std::int64_t>(std::int64_t{0});
    std::unique_lock lock(mu);
    if (stopping) break;
    if (!leader) {
      cv.wait_for(lock, follower_poll, [&] { return stopping; });
    } else if (!handled.is_ok()) {
      spdlog::error("dispatcher: {} (retrying in 1 s)", handled.status().message());
      cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; });
    } else if (*handled == 0) {
      cv.wait_for(lock, kPoll, [&] { return stopping || changes_pending; });
    }
    changes_pending = false;
    if (stopping) break;
  }
  dispatching.store(false);
  if (leader) {
    if (auto st = leases.release_named(kDispatcherLease, owner); !st.is_ok())
      spdlog::warn("releasing the dispatcher lease: {}", st.message());
  }
}

Daemon::Daemon(ServerConfig config, std::string store_url, const core::Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(store_url), clock)) {}

Daemon::~Daemon() {
  stop();
  if (impl_->started) (void)wait();
}

const Json& Daemon::workflow() const { return impl_->workflow; }

const std::string& Daemon::token_path() const { return impl_->token.path; }

bool Daemon::token_created() const { return impl_->token.created; }

core::Result<int> Daemon::start() {
  Impl& d = *impl_;
  LIFEBOAT_RETURN_IF_ERROR(validate_server_config(d.config));
  // One daemon per store, and never an API without a token (docs/security.md); both are
  // settled before anything is opened or written.
  if (const std::string lock_path = ServeLock::path_for(d.store_url); !lock_path.empty()) {
    LIFEBOAT_ASSIGN_OR_RETURN(d.serve_lock, ServeLock::acquire(lock_path, d.clock));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(std::string token_path,
                            token_path_for(d.config.token_file, d.store_url));
  LIFEBOAT_ASSIGN_OR_RETURN(
      d.token, load_api_token(token_path, /*create_if_absent=*/d.config.token_file.empty()));
  LIFEBOAT_ASSIGN_OR_RETURN(d.catalog, platform::open_catalog(d.config.platform));
  LIFEBOAT_ASSIGN_OR_RETURN(auto opened, store::open_store(d.store_url));
  // Every module gets this one handle, so every store transaction is timed here.
  d.store = std::make_unique<TimedStore>(std::move(opened), d.metrics.store_reads(),
                                         d.metrics.store_writes(), d.clock);
  d.started_at = d.clock.now();
  d.owner = d.config.cluster.node_id.empty() ? host_name() : d.config.cluster.node_id;
  LIFEBOAT_RETURN_IF_ERROR(d.register_volumes());
  d.registry = std::make_unique<registry::Registry>(
      *d.store, d.platform, d.clock,
      registry::EventPolicy{.allow_root_owner = d.config.allow_root_owner});
  d.starter = std::make_unique<tasks::WorkflowRuntime>(*d.store, *d.registry, d.clock);
  LIFEBOAT_RETURN_IF_ERROR(d.load_workflow());
  if (d.catalog) {
    d.enricher = std::make_unique<sync::EventEnricher>(
        *d.catalog, *d.store, *d.registry, d.clock,
        sync::EnrichOptions{.give_up_after =
                                std::chrono::seconds(d.config.platform.enrich_timeout_seconds)});
  }
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto intake, EventIntake::create(d.config.rules, *d.registry, *d.store, d.enricher.get()));
  d.intake.emplace(std::move(intake));

  LIFEBOAT_RETURN_IF_ERROR(d.take_back_own_leases());
  LeaseSettings lease_settings;
  lease_settings.owner = d.owner;
  lease_settings.ttl = std::chrono::seconds(d.config.cluster.lease_seconds);
  lease_settings.poll = std::chrono::milliseconds(d.config.cluster.poll_milliseconds);
  d.pool = std::make_unique<WorkerPool>(*d.store, *d.registry, d.clock, d.config.workers,
                                        d.config.per_volume_concurrency, lease_settings,
                                        [&d](const std::string& id, store::ExecutionStatus status) {
                                          d.observe_finished(id, status);
                                        });

  dispatch::RecoveryDefaults defaults{d.config.transfer_defaults,
                                      d.config.platform.home_wait_seconds,
                                      d.config.platform.volume_path_template};
  d.dispatcher = std::make_unique<dispatch::Dispatcher>(
      *d.store, std::move(defaults),
      [&d](const std::string& id, const Json& input) { return d.start_recovery(id, input); },
      [](std::int64_t seq, bool started, const std::string& reason) {
        if (started) {
          spdlog::info("change {}: started recovery ({})", seq, reason);
        } else {
          spdlog::debug("change {}: no recovery ({})", seq, reason);
        }
      });
  d.dispatch_thread = std::thread([&d] { d.dispatch_loop(); });
  if (d.catalog) {
    d.watch =
        std::make_unique<PlatformWatch>(*d.enricher, *d.catalog, *d.store, *d.registry, d.clock,
                                        d.config.platform, [&d] { d.wake_dispatcher(); });
    d.watch->start();
  }

  HealthSources sources;
  sources.node = d.owner;
  sources.version = LIFEBOAT_VERSION;
  sources.started_at = d.started_at;
  sources.workers = d.config.workers;
  sources.workers_busy = [&d] { return static_cast<std::int64_t>(d.pool->busy()); };
  if (d.watch) sources.last_reconcile = [&d] { return d.watch->last_reconcile(); };
  sources.dispatching = [&d] { return d.dispatching.load(); };
  sources.ready = [&d] {
    std::lock_guard lock(d.mu);
    return !d.stopping;
  };
  sources.dispatcher_lease = std::string(kDispatcherLease);
  sources.consumer = dispatch::kRecoveryConsumer;
  d.health = std::make_unique<HealthReport>(*d.store, d.clock, d.metrics, std::move(sources));

  ApiServices services;
  services.health = d.health.get();
  services.metrics = &d.metrics;
  services.store = d.store.get();
  services.registry = d.registry.get();
  services.intake = &*d.intake;
  services.redrive = [&d](const std::string& id) { return d.redrive(id); };
  services.on_events_applied = [&d] {
    d.wake_dispatcher();
    if (d.watch) d.watch->wake();
  };
  services.ready = [&d] {
    std::lock_guard lock(d.mu);
    return !d.stopping;
  };
  services.max_body_bytes = d.config.max_body_bytes;
  services.limits = d.config.http;
  services.token = d.token.value;
  d.api = std::make_unique<HttpApi>(std::move(services));
  auto port = d.api->bind(d.config.listen);
  if (!port.is_ok()) {
    stop();
    return port.status();
  }
  d.api_thread = std::thread([&d] {
    Status st = d.api->serve();
    if (!st.is_ok()) spdlog::error("{}", st.message());
  });
  d.started = true;
  return *port;
}

void Daemon::stop() {
  Impl& d = *impl_;
  {
    std::lock_guard lock(d.mu);
    if (d.stopping) return;
    d.stopping = true;
  }
  d.cv.notify_all();
  if (d.api) d.api->stop();
  if (d.api_thread.joinable()) d.api_thread.join();
  if (d.watch) d.watch->stop();
  if (d.dispatch_thread.joinable()) d.dispatch_thread.join();
  if (d.pool) d.pool->stop();
  {
    std::lock_guard lock(d.mu);
    d.finished = true;
  }
  d.cv.notify_all();
}

Status Daemon::wait() {
  Impl& d = *impl_;
  std::unique_lock lock(d.mu);
  d.cv.wait(lock, [&] { return d.finished; });
  return Status::ok();
}

}  // namespace lifeboat::server

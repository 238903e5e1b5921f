#include "tasks/leased_run.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "store/execution_leases.h"

namespace lifeboat::tasks {
namespace {

using core::Status;

// A CLI run holds its lease for this long between renewals (renewed every third of it).
constexpr std::chrono::seconds kCliLeaseTtl(30);

// Renews one lease every third of its duration until destroyed; interrupts the run if the
// lease is lost.
class LeaseRenewer {
 public:
  LeaseRenewer(store::ExecutionLeases& leases, store::LeaseFence fence, const core::Clock& clock,
               workflow::Executor& executor)
      : thread_([&leases, fence = std::move(fence), &clock, &executor, this] {
          std::unique_lock lock(mu_);
          while (!cv_.wait_for(lock, kCliLeaseTtl / 3, [&] { return done_; })) {
            auto lost = leases.renew({fence}, clock.now(), kCliLeaseTtl);
            if (lost.is_ok() && !lost->empty()) executor.interrupt_current();
          }
        }) {}
  ~LeaseRenewer() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  LeaseRenewer(const LeaseRenewer&) = delete;
  LeaseRenewer& operator=(const LeaseRenewer&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts once the members it uses exist
};

std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return host;
}

// A lease on `id` held by a CLI run on this host whose process is gone (killed) is freed at
// once instead of when it expires: nobody renews it, and nobody can commit under it.
core::Result<bool> free_lease_of_dead_cli(store::ExecutionLeases& leases, const std::string& id,
                                          core::Clock::WallTime now) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto held, leases.held(now));
  const std::string prefix = fmt::format("cli:{}:", host_name());
  for (const auto& lease : held) {
    if (lease.execution_id != id || !lease.owner.starts_with(prefix)) continue;
    const std::string pid_text = lease.owner.substr(prefix.size());
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours)
    LIFEBOAT_ASSIGN_OR_RETURN(auto n, leases.expire_owned_by(lease.owner));
    return n > 0;
  }
  return false;
}

}  // namespace

std::string cli_lease_owner() { return fmt::format("cli:{}:{}", host_name(), ::getpid()); }

core::Result<store::ExecutionRecord> run_leased_until_finished(WorkflowRuntime& runtime,
                                                               store::Store& store,
                                                               const std::string& id,
                                                               std::chrono::milliseconds poll) {
  store::ExecutionLeases leases(store);
  const core::Clock& clock = core::SystemClock::instance();
  auto& executor = runtime.executor();
  LIFEBOAT_ASSIGN_OR_RETURN(auto lease,
                            leases.claim(id, cli_lease_owner(), clock.now(), kCliLeaseTtl));
  if (!lease) {
    LIFEBOAT_ASSIGN_OR_RETURN(bool freed, free_lease_of_dead_cli(leases, id, clock.now()));
    if (freed) {
      LIFEBOAT_ASSIGN_OR_RETURN(lease,
                                leases.claim(id, cli_lease_owner(), clock.now(), kCliLeaseTtl));
    }
  }
  if (!lease) {
    // Finished already, or a daemon runs it: wait for its end.
    for (;;) {
      LIFEBOAT_ASSIGN_OR_RETURN(auto rec, runtime.executions().get_execution(id));
      if (!rec) return Status::not_found("no execution '" + id + "'");
      if (rec->status != store::ExecutionStatus::kRunning) return *rec;
      if (!rec->parent_id.empty())
        return Status::invalid_argument(fmt::format(
            "execution '{}' is a child of '{}': run its top-level execution", id, rec->parent_id));
      std::this_thread::sleep_for(poll);
    }
  }
  core::Result<store::ExecutionRecord> done = Status::internal("not run");
  {
    LeaseRenewer renewer(leases, lease->fence(), clock, executor);
    executor.set_fence(lease->fence());
    auto st = executor.resume_tree(id);
    done = st.is_ok() ? executor.run_until_finished(id) : core::Result<store::ExecutionRecord>(st);
    executor.set_fence(std::nullopt);
    (void)executor.take_queued();
  }
  (void)leases.release(lease->fence(), std::nullopt);
  return done;
}

}  // namespace lifeboat::tasks

#include "workflow/executor.h"

#include <algorithm>
#include <thread>

#include "core/ids.h"
#include "core/time_format.h"
#include "workflow/execution_limits.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;
using WallTime = core::Clock::WallTime;

namespace {

bool is_finished(store::ExecutionStatus status) {
  return status != store::ExecutionStatus::kRunning;
}

std::int64_t own_events(const std::vector<store::ExecutionEvent>& events, const std::string& id) {
  return std::count_if(events.begin(), events.end(),
                       [&](const store::ExecutionEvent& e) { return e.execution_id == id; });
}

}  // namespace

Executor::Executor(store::ExecutionStore& store, const TaskResourceRegistry& registry,
                   const core::Clock& clock, ExecutorOptions options)
    : store_(store),
      registry_(registry),
      clock_(clock),
      options_(options),
      random_(options.random_seed != 0 ? options.random_seed : std::random_device{}()) {}

Result<std::string> Executor::start(const Json& definition, const Json& input,
                                    const std::string& name, const std::string& id,
                                    bool queue_here) {
  auto problems = StateMachine::validate(definition, &registry_, false);
  if (!problems.empty()) {
    std::string msg = "the state machine definition is invalid:";
    for (const auto& p : problems) msg += "\n  " + p;
    return Status::invalid_argument(msg);
  }
  LIFEBOAT_ASSIGN_OR_RETURN(StateMachine machine, StateMachine::parse(definition));
  store::ExecutionRecord rec;
  rec.id = id.empty() ? core::new_uuid() : id;
  if (!id.empty()) {
    LIFEBOAT_ASSIGN_OR_RETURN(auto existing, store_.get_execution(id));
    if (existing) return Status::already_exists("execution '" + id + "' exists already");
  }
  rec.name = name.empty() ? rec.id : name;
  rec.definition = definition.dump();
  rec.input = input.dump();
  rec.start_time = clock_.now();
  ExecutionCursor cursor;
  cursor.state = machine.start_at();
  cursor.input = input;
  cursor.exec = {{"Id", rec.id},
                 {"Input", input},
                 {"Name", rec.name},
                 {"StartTime", core::format_rfc3339(rec.start_time)}};
  cursor.history = 1;  // ExecutionStarted, written below
  rec.cursor = cursor.dump();
  store::ExecutionWrite w;
  w.creates.push_back(rec);
  w.events.push_back({rec.id, 0, 0, "ExecutionStarted", core::format_rfc3339(rec.start_time),
                      Json{{"input", input}, {"name", rec.name}}.dump()});
  LIFEBOAT_RETURN_IF_ERROR(store_.write(w));
  if (queue_here) schedule(rec.id, std::nullopt);
  return rec.id;
}

Status Executor::recover() {
  store::ExecutionFilter filter;
  filter.top_level_only = false;
  filter.status = store::ExecutionStatus::kRunning;
  filter.limit = 1000000;
  LIFEBOAT_ASSIGN_OR_RETURN(auto running, store_.list_executions(filter));
  for (const auto& rec : running) schedule(rec.id, rec.wake_at);
  return Status::ok();
}

Status Executor::resume(const std::string& id) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rec, store_.get_execution(id));
  if (!rec) return Status::not_found("no execution '" + id + "'");
  if (rec->status == store::ExecutionStatus::kRunning) schedule(id, rec->wake_at);
  return Status::ok();
}

void Executor::schedule(const std::string& id, const std::optional<WallTime>& wake_at) {
  if (wake_at && *wake_at > clock_.now()) {
    timers_.emplace(*wake_at, id);
    return;
  }
  if (ready_set_.insert(id).second) ready_.push_back(id);
}

std::vector<std::pair<WallTime, std::string>> Executor::take_queued() {
  std::vector<std::pair<WallTime, std::string>> out(timers_.begin(), timers_.end());
  const WallTime now = clock_.now();
  for (const auto& id : ready_) out.emplace_back(now, id);
  timers_.clear();
  ready_.clear();
  ready_set_.clear();
  return out;
}

std::optional<WallTime> Executor::next_wake_time() const {
  if (timers_.empty()) return std::nullopt;
  return timers_.begin()->first;
}

void Executor::interrupt() {
  stop_.request_stop();
  interrupt_current();
}

void Executor::interrupt_current() {
  std::lock_guard lock(run_stop_mu_);
  run_stop_.request_stop();
}

Status Executor::resume_tree(const std::string& root_id) {
  LIFEBOAT_RETURN_IF_ERROR(resume(root_id));
  std::vector<std::string> parents{root_id};
  while (!parents.empty()) {
    store::ExecutionFilter f;
    f.parent_id = parents.back();
    f.status = store::ExecutionStatus::kRunning;
    f.limit = 1000000;
    parents.pop_back();
    LIFEBOAT_ASSIGN_OR_RETURN(auto children, store_.list_executions(f));
    for (const auto& c : children) {
      schedule(c.id, c.wake_at);
      parents.push_back(c.id);
    }
  }
  return Status::ok();
}

std::size_t Executor::run_ready() {
  {
    std::lock_guard lock(run_stop_mu_);
    if (stop_.stop_requested()) return 0;
    run_stop_ = std::stop_source();
  }
  std::size_t steps = 0;
  while (true) {
    auto now = clock_.now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      std::string id = timers_.begin()->second;
      timers_.erase(timers_.begin());
      if (ready_set_.insert(id).second) ready_.push_back(id);
    }
    if (ready_.empty() || run_stop_.stop_requested()) break;
    std::string id = ready_.front();
    ready_.pop_front();
    ready_set_.erase(id);
    step(id);
    ++steps;
  }
  return steps;
}

void Executor::default_sleep(WallTime until) const {
  auto d = until - clock_.now();
  if (d > WallTime::duration::zero()) std::this_thread::sleep_for(d);
}

Result<store::ExecutionRecord> Executor::run_until_finished(const std::string& id,
                                                            const Sleeper& sleeper) {
  while (true) {
    run_ready();
    LIFEBOAT_ASSIGN_OR_RETURN(auto rec, store_.get_execution(id));
    if (!rec) return Status::not_found("no execution '" + id + "'");
    if (is_finished(rec->status)) return *rec;
    auto wake = next_wake_time();
    if (!wake)
      return Status::failed_precondition("execution '" + id +
                                         "' is still running but nothing is queued here; "
                                         "another process may be running it");
    if (sleeper) {
      sleeper(*wake);
    } else {
      default_sleep(*wake);
    }
  }
}

void Executor::run_until_idle(const Sleeper& sleeper) {
  while (true) {
    run_ready();
    auto wake = next_wake_time();
    if (!wake) return;
    if (sleeper) {
      sleeper(*wake);
    } else {
      default_sleep(*wake);
    }
  }
}

Status Executor::stop(const std::string& id, const std::string& error, const std::string& cause) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rec, store_.get_execution(id));
  if (!rec) return Status::not_found("no execution '" + id + "'");
  if (is_finished(rec->status))
    return Status::failed_precondition("execution '" + id + "' already finished (" +
                                       std::string(store::execution_status_name(rec->status)) +
                                       ")");
  store::ExecutionWrite w;
  const WallTime now = clock_.now();
  std::vector<store::ExecutionRecord> todo{*rec};
  while (!todo.empty()) {
    auto r = todo.back();
    todo.pop_back();
    store::ExecutionFilter f;
    f.parent_id = r.id;
    f.status = store::ExecutionStatus::kRunning;
    LIFEBOAT_ASSIGN_OR_RETURN(auto children, store_.list_executions(f));
    for (const auto& c : children) todo.push_back(c);
    r.status = store::ExecutionStatus::kAborted;
    r.error = error;
    r.cause = cause;
    r.stop_time = now;
    r.wake_at.reset();
    w.events.push_back({r.id, 0, 0, "ExecutionAborted", core::format_rfc3339(now),
                        Json{{"error", error}, {"cause", cause}}.dump()});
    w.updates.push_back(std::move(r));
  }
  return store_.write(w);
}

Result<StateMachine> Executor::machine_for(const store::ExecutionRecord& rec) {
  auto it = machines_.find(rec.id);
  if (it != machines_.end()) return it->second;
  LIFEBOAT_ASSIGN_OR_RETURN(StateMachine m,
                            StateMachine::parse_text(rec.definition, "execution " + rec.id));
  machines_.emplace(rec.id, m);
  return m;
}

void Executor::event(Step& s, const std::string& type, Json details) {
  s.events.push_back({s.rec.id, 0, 0, type, core::format_rfc3339(clock_.now()), details.dump()});
}

bool Executor::commit(Step& s) {
  // The hard history cap: a step that would write past it is dropped and replaced by the
  // failure, whose event is the last one that fits. No Catch applies any more (the
  // catchable error came kLimitGraceEvents earlier, in enter_state).
  const std::int64_t history = s.cursor.history;
  bool capped = false;
  if (s.rec.status == store::ExecutionStatus::kRunning &&
      history + own_events(s.events, s.rec.id) > options_.max_history_events - 1) {
    s.events.clear();
    s.creates.clear();
    s.child_updates.clear();
    s.wake_after_commit.clear();
    fail_execution(s, {kErrHistoryLimit, "the execution's history reached " +
                                             std::to_string(options_.max_history_events) +
                                             " events, the most one execution may have"});
    capped = true;
  }
  s.cursor.history = history + own_events(s.events, s.rec.id);
  store::ExecutionWrite w;
  w.fence = fence_;
  w.fence_time = clock_.now();
  s.rec.cursor = s.cursor.dump();
  w.updates.push_back(s.rec);
  for (auto& c : s.child_updates) w.updates.push_back(std::move(c));
  w.creates = std::move(s.creates);
  w.events = std::move(s.events);
  s.creates.clear();
  s.events.clear();
  s.child_updates.clear();
  s.touched = false;
  auto st = store_.write(w);
  if (!st) {
    // The row changed under us (stopped, or stepped by another process) or the store
    // failed: drop this step; the next recover()/resume() starts from what is stored.
    s.wake_after_commit.clear();
    s.requeue = false;
    return false;
  }
  ++s.rec.version;
  for (const auto& c : w.creates) schedule(c.id, std::nullopt);
  for (const auto& id : s.wake_after_commit) schedule(id, std::nullopt);
  s.wake_after_commit.clear();
  if (is_finished(s.rec.status)) machines_.erase(s.rec.id);
  return !capped;
}

Json Executor::context_object(const Step& s) const {
  Json ctx;
  ctx["Execution"] = s.cursor.exec;
  ctx["State"] = {{"Name", s.cursor.state},
                  {"EnteredTime", s.cursor.entered.value_or("")},
                  {"RetryCount", s.cursor.attempt}};
  ctx["StateMachine"] = {{"Id", ctx["Execution"].value("Id", "")},
                         {"Name", ctx["Execution"].value("Name", "")}};
  return ctx;
}

void Executor::step(const std::string& id) {
  auto got = store_.get_execution(id);
  if (!got || !*got || is_finished((*got)->status)) return;
  Step s;
  s.rec = **got;
  auto cursor = ExecutionCursor::parse(s.rec.cursor);
  auto machine = machine_for(s.rec);
  if (!machine || !cursor) {
    fail_execution(
        s, {kErrRuntime, machine ? "corrupt execution cursor" : machine.status().message()});
    commit(s);
    return;
  }
  s.cursor = std::move(cursor).value();
  // The machine-level TimeoutSeconds: checked at every step, and a long Wait or back-off
  // wakes up at the deadline at the latest so that the timeout fires on time.
  // Without one, an execution still ends after a year (execution_limits.h).
  std::optional<WallTime> deadline;
  {
    const auto own_timeout = machine->timeout_seconds();
    const std::int64_t timeout =
        std::min(own_timeout.value_or(kMaxExecutionSeconds), kMaxExecutionSeconds);
    const WallTime started = s.rec.start_time;
    if (clock_.now() >= started + std::chrono::seconds(timeout)) {
      fail_execution(
          s,
          {kErrTimeout, own_timeout
                            ? "the execution ran longer than its TimeoutSeconds (" +
                                  std::to_string(timeout) + ")"
                            : "the execution ran longer than one year (" + std::to_string(timeout) +
                                  " s), the most an execution may run"},
          "ExecutionTimedOut");
      commit(s);
      return;
    }
    deadline = started + std::chrono::seconds(timeout);
  }
  const State* state = machine->state(s.cursor.state);
  if (state == nullptr) {
    fail_execution(s, {kErrRuntime, "unknown state '" + s.cursor.state + "'"});
    commit(s);
    return;
  }
  const Phase phase = s.cursor.phase;
  if (phase == Phase::kWait || phase == Phase::kRetry || phase == Phase::kPoll) {
    if (s.rec.wake_at && *s.rec.wake_at > clock_.now()) {
      schedule(id, s.rec.wake_at);
      return;
    }
    s.rec.wake_at.reset();
  }
  run_phase(s, *state);
  bool dirty = s.touched || !s.events.empty() || !s.creates.empty() || !s.child_updates.empty();
  if (dirty && !commit(s)) return;
  if (!s.requeue) return;
  if (deadline && s.rec.wake_at && *s.rec.wake_at > *deadline) {
    timers_.emplace(*deadline, id);
    return;
  }
  schedule(id, s.rec.wake_at);
}

void Executor::run_phase(Step& s, const State& state) {
  const auto* task = std::get_if<TaskState>(&state);
  const bool has_children =
      std::holds_alternative<ParallelState>(state) || std::holds_alternative<MapState>(state);
  auto corrupt = [&] {
    fail_execution(s, {kErrRuntime, "corrupt execution cursor: state '" + s.cursor.state +
                                        "' is a " + common(state).type + " state"});
  };
  switch (s.cursor.phase) {
    case Phase::kEnter:
      return enter_state(s, state);
    case Phase::kWait:
      if (const auto* wait = std::get_if<WaitState>(&state)) return finish_wait(s, *wait);
      return corrupt();
    case Phase::kRetry:
      s.cursor.phase = s.cursor.retry_phase;
      if (s.cursor.phase == Phase::kTask) {
        if (task != nullptr) return run_task(s, *task);
        return corrupt();
      }
      s.cursor.phase = Phase::kStartChildren;
      if (has_children) return start_children(s, state);
      return corrupt();
    case Phase::kPoll:
      s.cursor.phase = Phase::kTask;
      [[fallthrough]];
    case Phase::kTask:
      if (task != nullptr) return run_task(s, *task);
      return corrupt();
    case Phase::kStartChildren:
      if (has_children) return start_children(s, state);
      return corrupt();
    case Phase::kChildren:
      if (has_children) return check_children(s, state);
      return corrupt();
    case Phase::kDone:
      return corrupt();
  }
}

bool Executor::check_limits(Step& s, const StateCommon& state) {
  const auto transitions = s.cursor.transitions;
  const auto history = s.cursor.history + own_events(s.events, s.rec.id);
  if (s.cursor.limit_hit) {
    // The limit error was raised (and caught) before: its handler gets a few more states.
    if (transitions < options_.max_state_transitions + kLimitGraceTransitions) return false;
    fail_execution(s, {kErrTransitionLimit,
                       "the execution made " + std::to_string(transitions) +
                           " state transitions: its limit of " +
                           std::to_string(options_.max_state_transitions) + " and another " +
                           std::to_string(kLimitGraceTransitions) + " for the error handler"});
    return true;
  }
  AslError err;
  if (transitions >= options_.max_state_transitions) {
    err = {kErrTransitionLimit, "the execution made " + std::to_string(transitions) +
                                    " state transitions, the most one execution may make " +
                                    "(a loop in the state machine?)"};
  } else if (history >= options_.max_history_events -
                            std::min(kLimitGraceEvents, options_.max_history_events / 5)) {
    err = {kErrHistoryLimit, "the execution's history has " + std::to_string(history) +
                                 " events, close to the most one execution may have (" +
                                 std::to_string(options_.max_history_events) + ")"};
  } else {
    return false;
  }
  s.cursor.limit_hit = true;
  handle_error(s, state, err);
  return true;
}

void Executor::enter_state(Step& s, const State& state) {
  const StateCommon& c = common(state);
  const Json raw = s.cursor.input;
  s.cursor.entered = core::format_rfc3339(clock_.now());
  s.cursor.attempt = 0;
  s.cursor.retries.clear();
  event(s, c.type + "StateEntered", {{"name", c.name}, {"input", raw}});
  if (check_limits(s, c)) return;
  const Json ctx = context_object(s);
  if (const auto* fail = std::get_if<FailState>(&state)) return enter_fail(s, *fail, ctx);
  auto effective = c.input_path.apply(raw, ctx);
  if (!effective) return handle_error(s, c, to_asl_error(effective.status()));
  std::visit(
      [&](const auto& st) {
        using T = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<T, PassState>) enter_pass(s, st, *effective, ctx);
        if constexpr (std::is_same_v<T, ChoiceState>) enter_choice(s, st, *effective, ctx);
        if constexpr (std::is_same_v<T, SucceedState>) enter_succeed(s, st, *effective, ctx);
        if constexpr (std::is_same_v<T, WaitState>) enter_wait(s, st, *effective, ctx);
        if constexpr (std::is_same_v<T, TaskState>) enter_task(s, st, *effective, ctx);
        if constexpr (std::is_same_v<T, ParallelState> || std::is_same_v<T, MapState>)
          enter_children(s, state, *effective, ctx);
      },
      state);
}

void Executor::finish_state(Step& s, const StateCommon& state, const ResultHandling& result,
                            const Json& value) {
  const Json ctx = context_object(s);
  Result<Json> selected = value;
  if (result.selector) selected = result.selector->apply(value, ctx);
  if (!selected) return handle_error(s, state, to_asl_error(selected.status()));
  auto after = result.path.apply(s.cursor.input, *selected);
  if (!after) return handle_error(s, state, to_asl_error(after.status()));
  auto out = state.output_path.apply(*after, ctx);
  if (!out) return handle_error(s, state, to_asl_error(out.status()));
  transition(s, state, *out);
}

void Executor::transition(Step& s, const StateCommon& state, Json output) {
  event(s, state.type + "StateExited", {{"name", s.cursor.state}, {"output", output}});
  if (!state.next) return succeed_execution(s, std::move(output));
  go_to(s, *state.next, std::move(output));
}

void Executor::go_to(Step& s, const std::string& next, Json input) {
  ExecutionCursor c;
  c.state = next;
  c.input = std::move(input);
  c.exec = std::move(s.cursor.exec);
  c.transitions = s.cursor.transitions + 1;
  c.history = s.cursor.history;
  c.limit_hit = s.cursor.limit_hit;
  // Children of a retried Parallel/Map keep increasing indexes: remember where we are.
  c.first_child_index = s.cursor.first_child_index +
                        static_cast<std::int64_t>(s.cursor.items ? s.cursor.items->size() : 0);
  s.cursor = std::move(c);
  s.rec.wake_at.reset();
  s.requeue = true;
}

void Executor::succeed_execution(Step& s, Json output) {
  s.rec.status = store::ExecutionStatus::kSucceeded;
  s.rec.output = output.dump();
  s.rec.stop_time = clock_.now();
  s.rec.wake_at.reset();
  s.cursor.phase = Phase::kDone;
  event(s, "ExecutionSucceeded", {{"output", output}});
  if (!s.rec.parent_id.empty()) s.wake_after_commit.push_back(s.rec.parent_id);
  s.requeue = false;
}

void Executor::fail_execution(Step& s, const AslError& err, const char* event_type) {
  s.rec.status = store::ExecutionStatus::kFailed;
  s.rec.error = err.error;
  s.rec.cause = err.cause;
  s.rec.stop_time = clock_.now();
  s.rec.wake_at.reset();
  s.cursor.phase = Phase::kDone;
  event(s, event_type, {{"error", err.error}, {"cause", err.cause}});
  if (!s.rec.parent_id.empty()) s.wake_after_commit.push_back(s.rec.parent_id);
  s.requeue = false;
}

}  // namespace lifeboat::workflow

#include "workflow/executor.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/ids.h"
#include "core/time_format.h"
#include "workflow/choice_rule.h"
#include "workflow/execution_limits.h"
#include "workflow/intrinsic_functions.h"
#include "workflow/json_path.h"
#include "workflow/payload_template.h"
#include "workflow/state_io.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;
using WallTime = core::Clock::WallTime;

namespace {

// Cursor phases (the "phase" field of ExecutionRecord::cursor).
constexpr const char* kPhaseEnter = "enter";  // about to enter cursor.state
constexpr const char* kPhaseWait = "wait";    // in a Wait until wake_at
constexpr const char* kPhaseTask = "task";    // Task scheduled or running
constexpr const char* kPhaseRetry = "retry";  // back-off before a retry, until wake_at
constexpr const char* kPhasePoll = "poll";    // Task not ready: run it again at wake_at
constexpr const char* kPhaseStartChildren = "start_children";
constexpr const char* kPhaseChildren = "children";  // Parallel/Map waiting on children

std::string state_type(const Json& state) { return state["Type"].get<std::string>(); }

bool is_finished(const std::string& status) { return status != store::kExecRunning; }

Json parse_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  Json j = Json::parse(*text, nullptr, false);
  return j.is_discarded() ? Json(nullptr) : j;
}

}  // namespace

struct Executor::Step {
  store::ExecutionRecord rec;
  Json cursor;
  std::vector<store::ExecutionEvent> events;
  std::vector<store::ExecutionRecord> creates;
  std::vector<store::ExecutionRecord> child_updates;
  std::vector<std::string> wake_after_commit;
  bool requeue = false;  // run this execution again right after the commit
  bool touched = false;  // the record changed without an event: commit it anyway
};

bool error_matches(const Json& error_equals, const std::string& error) {
  for (const auto& e : error_equals) {
    const auto name = e.get<std::string>();
    if (name == error) return true;
    if (name == kErrAll && error != kErrRuntime) return true;
    if (name == kErrTaskFailed && error != kErrTimeout && error != kErrRuntime) return true;
  }
  return false;
}

std::chrono::milliseconds retry_delay(const Json& retrier, int retry_count) {
  double interval = retrier.value("IntervalSeconds", 1.0);
  double backoff = retrier.value("BackoffRate", 2.0);
  // pow() may reach +inf for a long run of retries; min() below brings it back. The ceiling
  // is the largest MaxDelaySeconds there is (execution_limits.h), so the sum with the clock
  // cannot overflow whatever the retrier says.
  double seconds = interval * std::pow(backoff, std::max(retry_count, 0));
  if (retrier.contains("MaxDelaySeconds"))
    seconds = std::min(seconds, retrier["MaxDelaySeconds"].get<double>());
  seconds = std::min(seconds, static_cast<double>(kMaxRetryDelaySeconds));
  if (!(seconds >= 0)) seconds = 0;  // NaN from a hand-edited stored definition
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000)));
}

namespace {

// Cursor fields carried from state to state (go_to builds a fresh cursor).
constexpr const char* kCurTransitions = "transitions";  // state transitions so far
constexpr const char* kCurHistory = "history";          // this execution's events so far
constexpr const char* kCurLimitHit = "limit_hit";       // a limit error was raised already

bool is_limit_error(const std::string& error) {
  return error == kErrTransitionLimit || error == kErrHistoryLimit;
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
  rec.start_time = core::format_rfc3339(clock_.now());
  Json exec = {{"Id", rec.id}, {"Input", input}, {"Name", rec.name}, {"StartTime", rec.start_time}};
  rec.cursor = Json{{"state", machine.start_at()},
                    {"input", input},
                    {"phase", kPhaseEnter},
                    {"exec", exec},
                    {kCurHistory, 1}}  // ExecutionStarted, written below
                   .dump();
  store::ExecutionWrite w;
  w.creates.push_back(rec);
  w.events.push_back({rec.id, 0, 0, "ExecutionStarted", rec.start_time,
                      Json{{"input", input}, {"name", rec.name}}.dump()});
  LIFEBOAT_RETURN_IF_ERROR(store_.write(w));
  if (queue_here) schedule(rec.id, std::nullopt);
  return rec.id;
}

Status Executor::recover() {
  store::ExecutionFilter filter;
  filter.top_level_only = false;
  filter.status = store::kExecRunning;
  filter.limit = 1000000;
  LIFEBOAT_ASSIGN_OR_RETURN(auto running, store_.list_executions(filter));
  for (const auto& rec : running) schedule(rec.id, rec.wake_at);
  return Status::ok();
}

Status Executor::resume(const std::string& id) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rec, store_.get_execution(id));
  if (!rec) return Status::not_found("no execution '" + id + "'");
  if (rec->status == store::kExecRunning) schedule(id, rec->wake_at);
  return Status::ok();
}

void Executor::schedule(const std::string& id, const std::optional<std::string>& wake_at) {
  if (wake_at) {
    auto t = core::parse_rfc3339(*wake_at);
    if (t && *t > clock_.now()) {
      timers_.emplace(*t, id);
      return;
    }
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

std::size_t Executor::run_ready() {
  std::size_t steps = 0;
  while (true) {
    auto now = clock_.now();
    while (!timers_.empty() && timers_.begin()->first <= now) {
      std::string id = timers_.begin()->second;
      timers_.erase(timers_.begin());
      if (ready_set_.insert(id).second) ready_.push_back(id);
    }
    if (ready_.empty() || cancelled_.load()) break;
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
    return Status::failed_precondition("execution '" + id + "' already finished (" + rec->status +
                                       ")");
  store::ExecutionWrite w;
  std::string now = core::format_rfc3339(clock_.now());
  std::vector<store::ExecutionRecord> todo{*rec};
  while (!todo.empty()) {
    auto r = todo.back();
    todo.pop_back();
    store::ExecutionFilter f;
    f.parent_id = r.id;
    LIFEBOAT_ASSIGN_OR_RETURN(auto children, store_.list_executions(f));
    for (const auto& c : children)
      if (!is_finished(c.status)) todo.push_back(c);
    r.status = store::kExecAborted;
    r.error = error;
    r.cause = cause;
    r.stop_time = now;
    r.wake_at.reset();
    w.events.push_back(
        {r.id, 0, 0, "ExecutionAborted", now, Json{{"error", error}, {"cause", cause}}.dump()});
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
  const std::int64_t history = s.cursor.value(kCurHistory, std::int64_t{1});
  bool capped = false;
  if (s.rec.status == store::kExecRunning &&
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
  s.cursor[kCurHistory] = history + own_events(s.events, s.rec.id);
  store::ExecutionWrite w;
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
  ctx["Execution"] = s.cursor.value("exec", Json::object());
  ctx["State"] = {{"Name", s.cursor.value("state", "")},
                  {"EnteredTime", s.cursor.value("entered", "")},
                  {"RetryCount", s.cursor.value("attempt", 0)}};
  ctx["StateMachine"] = {{"Id", ctx["Execution"].value("Id", "")},
                         {"Name", ctx["Execution"].value("Name", "")}};
  return ctx;
}

void Executor::step(const std::string& id) {
  auto got = store_.get_execution(id);
  if (!got || !*got || is_finished((*got)->status)) return;
  Step s;
  s.rec = **got;
  s.cursor = Json::parse(s.rec.cursor, nullptr, false);
  auto machine = machine_for(s.rec);
  if (!machine || s.cursor.is_discarded()) {
    fail_execution(
        s, {kErrRuntime, machine ? "corrupt execution cursor" : machine.status().message()});
    commit(s);
    return;
  }
  // The machine-level TimeoutSeconds: checked at every step, and a long Wait or back-off
  // wakes up at the deadline at the latest so that the timeout fires on time.
  // Without one, an execution still ends after a year (execution_limits.h).
  std::optional<WallTime> deadline;
  {
    const auto own_timeout = machine->timeout_seconds();
    const std::int64_t timeout =
        std::min(own_timeout.value_or(kMaxExecutionSeconds), kMaxExecutionSeconds);
    auto started = core::parse_rfc3339(s.rec.start_time);
    if (started && clock_.now() >= *started + std::chrono::seconds(timeout)) {
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
    if (started) deadline = *started + std::chrono::seconds(timeout);
  }
  const std::string phase = s.cursor.value("phase", kPhaseEnter);
  const Json* state = machine->state(s.cursor.value("state", ""));
  if (state == nullptr) {
    fail_execution(s, {kErrRuntime, "unknown state '" + s.cursor.value("state", "") + "'"});
    commit(s);
    return;
  }
  bool due = true;
  if (s.rec.wake_at) {
    auto t = core::parse_rfc3339(*s.rec.wake_at);
    due = !t || *t <= clock_.now();
  }
  if (phase == kPhaseEnter) {
    enter_state(s, *machine);
  } else if (phase == kPhaseWait || phase == kPhaseRetry || phase == kPhasePoll) {
    if (!due) {
      schedule(id, s.rec.wake_at);
      return;
    }
    s.rec.wake_at.reset();
    if (phase == kPhaseWait) {
      finish_wait(s, *state);
    } else if (phase == kPhasePoll) {
      s.cursor["phase"] = kPhaseTask;
      run_task(s, *state);
    } else {
      std::string next = s.cursor.value("retry_phase", kPhaseTask);
      s.cursor["phase"] = next;
      if (next == kPhaseTask) {
        run_task(s, *state);
      } else {
        start_children(s, *state);
      }
    }
  } else if (phase == kPhaseTask) {
    run_task(s, *state);
  } else if (phase == kPhaseStartChildren) {
    start_children(s, *state);
  } else if (phase == kPhaseChildren) {
    check_children(s, *state);
  }
  bool dirty = s.touched || !s.events.empty() || !s.creates.empty() || !s.child_updates.empty();
  if (dirty && !commit(s)) return;
  if (!s.requeue) return;
  if (deadline && s.rec.wake_at) {
    auto t = core::parse_rfc3339(*s.rec.wake_at);
    if (t && *t > *deadline) {
      timers_.emplace(*deadline, id);
      return;
    }
  }
  schedule(id, s.rec.wake_at);
}

bool Executor::check_limits(Step& s, const Json& state) {
  const auto transitions = s.cursor.value(kCurTransitions, std::int64_t{0});
  const auto history =
      s.cursor.value(kCurHistory, std::int64_t{1}) + own_events(s.events, s.rec.id);
  if (s.cursor.value(kCurLimitHit, false)) {
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
  s.cursor[kCurLimitHit] = true;
  handle_error(s, state, err);
  return true;
}

Result<WallTime> Executor::wait_until(const Json& state, const std::string& name,
                                      const Json& effective, const Json& ctx) const {
  const WallTime now = clock_.now();
  // Every form is bounded by the longest Wait (execution_limits.h) before it meets the
  // clock, so no sum below can overflow; a timestamp in the past means "no wait".
  const auto latest = now + std::chrono::seconds(kMaxWaitSeconds);
  auto refuse = [&](const std::string& field, const std::string& why) {
    return asl_error(kErrRuntime, "state '" + name + "': field '" + field + "': " + why);
  };
  const std::string bound =
      "a Wait lasts at most " + std::to_string(kMaxWaitSeconds) + " s (one year)";
  if (state.contains("Seconds")) {
    // The validator kept it within [0, kMaxWaitSeconds].
    return now + std::chrono::seconds(state["Seconds"].get<std::int64_t>());
  }
  const char* field = state.contains("Timestamp")     ? "Timestamp"
                      : state.contains("SecondsPath") ? "SecondsPath"
                                                      : "TimestampPath";
  Json value = state[field];
  if (std::string(field).ends_with("Path")) {
    const auto expr = value.get<std::string>();
    auto v = JsonPath::parse(expr)->select(effective, ctx);
    if (!v) return refuse(field, "'" + expr + "': " + v.status().message());
    value = *v;
  }
  if (std::string(field) == "SecondsPath") {
    auto secs = number_in_range(value, 0, static_cast<double>(kMaxWaitSeconds));
    if (!secs)
      return refuse(field, "selected " + value.dump() +
                               "; it must be a number of seconds from 0 to " +
                               std::to_string(kMaxWaitSeconds) + ": " + bound);
    return now + std::chrono::milliseconds(std::llround(*secs * 1000));
  }
  auto t = value.is_string() ? parse_bounded_timestamp(value.get<std::string>())
                             : Result<WallTime>(Status::invalid_argument(
                                   value.dump() + " is not an RFC 3339 timestamp string"));
  if (!t) return refuse(field, t.status().message());
  if (*t > latest)
    return refuse(field, "'" + value.get<std::string>() + "' is more than a year away: " + bound);
  return *t;
}

Result<std::optional<std::int64_t>> Executor::task_timeout(const Json& state,
                                                           const std::string& name, const Json& raw,
                                                           const Json& ctx) const {
  std::optional<std::int64_t> timeout;
  if (state.contains("TimeoutSeconds")) timeout = state["TimeoutSeconds"].get<std::int64_t>();
  std::optional<std::int64_t> heartbeat;
  if (state.contains("HeartbeatSeconds")) heartbeat = state["HeartbeatSeconds"].get<std::int64_t>();
  for (const auto& [field, target] :
       {std::pair<const char*, std::optional<std::int64_t>*>{"TimeoutSecondsPath", &timeout},
        std::pair<const char*, std::optional<std::int64_t>*>{"HeartbeatSecondsPath", &heartbeat}}) {
    if (!state.contains(field)) continue;
    const auto expr = state[field].get<std::string>();
    auto v = JsonPath::parse(expr)->select(raw, ctx);
    std::optional<std::int64_t> n;
    if (v) n = integer_in_range(*v, 1, kMaxTimeoutSeconds);
    if (!n)
      return asl_error(kErrRuntime, "state '" + name + "': field '" + field + "': '" + expr +
                                        "' selected " +
                                        (v ? v->dump() : "nothing (" + v.status().message() + ")") +
                                        "; it must be a whole number of seconds from 1 to " +
                                        std::to_string(kMaxTimeoutSeconds) + " (one year)");
    *target = *n;
  }
  if (timeout && heartbeat && *heartbeat >= *timeout)
    return asl_error(kErrRuntime,
                     "state '" + name + "': the heartbeat interval must be less than the timeout");
  return timeout;
}

void Executor::enter_state(Step& s, const StateMachine& machine) {
  const std::string name = s.cursor["state"].get<std::string>();
  const Json& state = *machine.state(name);
  const std::string type = state_type(state);
  const Json raw = s.cursor["input"];
  s.cursor["entered"] = core::format_rfc3339(clock_.now());
  s.cursor["attempt"] = 0;
  s.cursor["retries"] = Json::object();
  event(s, type + "StateEntered", {{"name", name}, {"input", raw}});
  if (check_limits(s, state)) return;
  const Json ctx = context_object(s);

  auto on_error = [&](const Status& st) { handle_error(s, state, to_asl_error(st)); };
  auto effective = apply_input_path(state, raw, ctx);
  if (!effective) return on_error(effective.status());

  if (type == "Pass") {
    auto params = apply_parameters(state, *effective, ctx);
    if (!params) return on_error(params.status());
    Json result = state.contains("Result") ? state["Result"] : *params;
    const Json* rp = state.contains("ResultPath") ? &state["ResultPath"] : nullptr;
    auto after = apply_result_path(rp, raw, result);
    if (!after) return on_error(after.status());
    auto out = apply_output_path(state, *after, ctx);
    if (!out) return on_error(out.status());
    return transition(s, state, *out);
  }
  if (type == "Choice") {
    for (const auto& rule : state["Choices"]) {
      auto m = evaluate_choice_rule(rule, *effective, ctx);
      if (!m) return on_error(m.status());
      if (*m) {
        auto out = apply_output_path(state, *effective, ctx);
        if (!out) return on_error(out.status());
        event(s, "ChoiceStateExited", {{"name", name}, {"output", *out}});
        return go_to(s, rule["Next"].get<std::string>(), *out);
      }
    }
    if (state.contains("Default")) {
      auto out = apply_output_path(state, *effective, ctx);
      if (!out) return on_error(out.status());
      event(s, "ChoiceStateExited", {{"name", name}, {"output", *out}});
      return go_to(s, state["Default"].get<std::string>(), *out);
    }
    return on_error(asl_error(kErrNoChoiceMatched, "no choice rule of state '" + name +
                                                       "' matched and it has no Default"));
  }
  if (type == "Succeed") {
    auto out = apply_output_path(state, *effective, ctx);
    if (!out) return on_error(out.status());
    event(s, "SucceedStateExited", {{"name", name}, {"output", *out}});
    return succeed_execution(s, *out);
  }
  if (type == "Fail") {
    AslError err{state.value("Error", "States.Failed"), state.value("Cause", "")};
    for (const auto& [field, target] :
         {std::pair<const char*, std::string*>{"ErrorPath", &err.error},
          std::pair<const char*, std::string*>{"CausePath", &err.cause}}) {
      if (!state.contains(field)) continue;
      const auto expr = state[field].get<std::string>();
      Result<Json> v = is_intrinsic_call(expr) ? evaluate_intrinsic(expr, raw, ctx)
                                               : JsonPath::parse(expr)->select(raw, ctx);
      if (!v || !v->is_string())
        return fail_execution(
            s, {kErrRuntime, std::string(field) + " '" + expr + "' does not select a string"});
      *target = v->get<std::string>();
    }
    return fail_execution(s, err);
  }
  if (type == "Wait") {
    auto until = wait_until(state, name, *effective, ctx);
    if (!until) return on_error(until.status());
    s.cursor["phase"] = kPhaseWait;
    s.cursor["effective"] = *effective;
    s.rec.wake_at = core::format_rfc3339(*until);
    s.requeue = true;  // schedule() puts it on the timer queue (or runs it if already due)
    return;
  }
  // Task, Parallel, Map: InputPath then Parameters (Map: ItemSelector applies per item).
  Json task_input = *effective;
  if (type != "Map") {
    auto params = apply_parameters(state, *effective, ctx);
    if (!params) return on_error(params.status());
    task_input = *params;
  }
  s.cursor["effective"] = task_input;
  if (type == "Task") {
    auto timeout = task_timeout(state, name, raw, ctx);
    if (!timeout) return on_error(timeout.status());
    if (*timeout) s.cursor["timeout"] = **timeout;
    s.cursor["phase"] = kPhaseTask;
    Json details = {{"resource", state["Resource"]}, {"parameters", task_input}};
    if (state.contains("TimeoutSeconds")) details["timeoutInSeconds"] = state["TimeoutSeconds"];
    event(s, "TaskScheduled", details);
    return run_task(s, state);
  }
  s.cursor["phase"] = kPhaseStartChildren;
  start_children(s, state);
}

void Executor::run_task(Step& s, const Json& state) {
  const std::string uri = state["Resource"].get<std::string>();
  const int attempt = s.cursor.value("attempt", 0);
  // A task that answered "not ready" runs again from the poll phase; it started already.
  const bool polled_before = s.cursor.contains("polls");
  TaskContext tctx;
  tctx.clock = &clock_;
  tctx.execution_id = s.rec.id;
  tctx.root_execution_id = s.cursor["exec"].value("Id", s.rec.id);
  tctx.state_name = s.cursor["state"].get<std::string>();
  tctx.attempt = attempt;
  tctx.context_object = context_object(s);
  tctx.execution_input = s.cursor["exec"].value("Input", Json());
  tctx.cancelled = &cancelled_;
  tctx.first_run = clock_.now();
  if (polled_before) {
    auto first = core::parse_rfc3339(s.cursor.value("first_run", ""));
    if (first) tctx.first_run = *first;
  }
  // Resolved (and range-checked) when the state was entered.
  std::optional<std::int64_t> timeout;
  if (s.cursor.contains("timeout")) {
    timeout = s.cursor["timeout"].get<std::int64_t>();
  } else if (state.contains("TimeoutSeconds")) {  // a cursor written before that was done
    timeout = state["TimeoutSeconds"].get<std::int64_t>();
  }
  if (timeout) tctx.deadline = tctx.first_run + std::chrono::seconds(*timeout);

  auto resource = registry_.find(uri);
  // Admission comes before anything is recorded as started: a refused task leaves the
  // execution where it is (the events so far are committed by step()), and whoever refused
  // it resumes it (task_admission.h).
  TaskAdmission* admission =
      resource != nullptr && resource->copies_into_volume() ? options_.admission : nullptr;
  if (admission != nullptr && !admission->try_admit(*resource, tctx)) {
    s.requeue = false;
    return;
  }
  struct Release {
    TaskAdmission* admission;
    const TaskResource* resource;
    const TaskContext* ctx;
    ~Release() {
      if (admission != nullptr) admission->release(*resource, *ctx);
    }
  } release{admission, resource.get(), &tctx};

  if (!polled_before) {
    event(s, "TaskStarted", {{"resource", uri}, {"attempt", attempt}});
    s.cursor["first_run"] = core::format_rfc3339(tctx.first_run);
    // The durable point: once TaskStarted is committed, a crash means "run it again".
    if (!commit(s)) return;
  }
  const Json input = s.cursor["effective"];

  Result<Json> result = Status::internal("task did not run");
  if (resource == nullptr) {
    result = asl_error(kErrRuntime, "unknown task resource '" + uri + "'");
  } else {
    try {
      result = resource->run(input, tctx);
    } catch (const std::exception& e) {
      result = asl_error(kErrTaskFailed, std::string("task threw: ") + e.what());
    }
  }
  if (cancelled_.load()) {
    // Interrupted (shutdown): whatever the task returned, record nothing. The execution
    // stays at TaskStarted (or in its poll) and the task runs again when it is resumed.
    s.events.clear();
    s.creates.clear();
    s.child_updates.clear();
    s.requeue = false;
    return;
  }
  const bool wants_poll = result.is_ok() && tctx.poll_again_at.has_value();
  // A task that asks to look again at its deadline has run out of time.
  if (tctx.deadline &&
      (clock_.now() > *tctx.deadline || (wants_poll && clock_.now() >= *tctx.deadline))) {
    event(s, "TaskTimedOut", {{"resource", uri}, {"error", kErrTimeout}});
    return handle_error(
        s, state,
        {kErrTimeout, "task '" + uri + "' ran longer than " + std::to_string(*timeout) + " s"});
  }
  if (wants_poll) return poll_task(s, uri, *tctx.poll_again_at, tctx.deadline);
  if (!result) {
    AslError err = to_asl_error(result.status());
    event(s, "TaskFailed", {{"resource", uri}, {"error", err.error}, {"cause", err.cause}});
    return handle_error(s, state, err);
  }
  event(s, "TaskSucceeded", {{"resource", uri}, {"output", *result}});
  finish_state(s, state, *result);
}

void Executor::poll_task(Step& s, const std::string& uri, WallTime when,
                         std::optional<WallTime> deadline) {
  // Not before a second from now (a resource asking for "now" must not spin the executor),
  // not after the Task's deadline (which then fires on time) nor after a year.
  const WallTime now = clock_.now();
  when =
      std::clamp(when, now + std::chrono::seconds(1), now + std::chrono::seconds(kMaxWaitSeconds));
  if (deadline) when = std::min(when, std::max(*deadline, now));
  const std::int64_t polls = s.cursor.value("polls", std::int64_t{0});
  // One event when the waiting starts, not one per look: a long wait must not fill the
  // history.
  if (polls == 0)
    event(s, "TaskWaiting", {{"resource", uri}, {"until", core::format_rfc3339(when)}});
  s.cursor["polls"] = polls + 1;
  s.cursor["phase"] = kPhasePoll;
  s.rec.wake_at = core::format_rfc3339(when);
  s.touched = true;  // a later look writes no event, but the new wake time must be stored
  s.requeue = true;
}

void Executor::finish_state(Step& s, const Json& state, const Json& result) {
  const Json ctx = context_object(s);
  auto selected = apply_result_selector(state, result, ctx);
  if (!selected) return handle_error(s, state, to_asl_error(selected.status()));
  const Json* rp = state.contains("ResultPath") ? &state["ResultPath"] : nullptr;
  auto after = apply_result_path(rp, s.cursor["input"], *selected);
  if (!after) return handle_error(s, state, to_asl_error(after.status()));
  auto out = apply_output_path(state, *after, ctx);
  if (!out) return handle_error(s, state, to_asl_error(out.status()));
  transition(s, state, *out);
}

void Executor::finish_wait(Step& s, const Json& state) {
  auto out = apply_output_path(state, s.cursor["effective"], context_object(s));
  if (!out) return handle_error(s, state, to_asl_error(out.status()));
  transition(s, state, *out);
}

store::ExecutionRecord Executor::new_child(const Step& s, std::int64_t index, const Json& machine,
                                           const Json& input) {
  store::ExecutionRecord c;
  c.id = core::new_uuid();
  c.name = s.rec.name + "/" + s.cursor["state"].get<std::string>() + "/" + std::to_string(index);
  c.parent_id = s.rec.id;
  c.branch_index = index;
  c.definition = machine.dump();
  c.input = input.dump();
  c.start_time = core::format_rfc3339(clock_.now());
  c.cursor = Json{{"state", machine["StartAt"]},
                  {"input", input},
                  {"phase", kPhaseEnter},
                  {"exec", s.cursor["exec"]},
                  {kCurHistory, 1}}  // its ExecutionStarted, written with the parent's step
                 .dump();
  return c;
}

void Executor::start_children(Step& s, const Json& state) {
  const std::string type = state_type(state);
  const Json input = s.cursor["effective"];
  Json items = Json::array();
  if (type == "Parallel") {
    for (std::size_t i = 0; i < state["Branches"].size(); ++i) items.push_back(input);
    event(s, "ParallelStateStarted", {{"name", s.cursor["state"]}});
  } else {
    const Json ctx = context_object(s);
    Json list = input;
    if (state.contains("ItemsPath")) {
      auto v = JsonPath::parse(state["ItemsPath"].get<std::string>())->select(input, ctx);
      if (!v) return handle_error(s, state, {kErrRuntime, "ItemsPath: " + v.status().message()});
      list = *v;
    }
    if (!list.is_array())
      return handle_error(s, state, {kErrRuntime, "the Map items are not an array"});
    const char* selector = state.contains("ItemSelector") ? "ItemSelector"
                           : state.contains("Parameters") ? "Parameters"
                                                          : nullptr;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (selector == nullptr) {
        items.push_back(list[i]);
        continue;
      }
      Json item_ctx = ctx;
      item_ctx["Map"] = {{"Item", {{"Index", i}, {"Value", list[i]}}}};
      auto v = apply_payload_template(state[selector], input, item_ctx, selector);
      if (!v) return handle_error(s, state, to_asl_error(v.status()));
      items.push_back(*v);
    }
    event(s, "MapStateStarted", {{"name", s.cursor["state"]}, {"length", list.size()}});
  }
  s.cursor["phase"] = kPhaseChildren;
  s.cursor["items"] = items;
  s.cursor["started"] = 0;
  s.cursor["round"] = s.cursor.value("round", 0) + 1;
  check_children(s, state);
}

void Executor::check_children(Step& s, const Json& state) {
  const std::string type = state_type(state);
  const std::int64_t total = static_cast<std::int64_t>(s.cursor["items"].size());
  std::int64_t started = s.cursor.value("started", 0);
  const std::int64_t round_first = s.cursor.value("first_child_index", 0);
  store::ExecutionFilter f;
  f.parent_id = s.rec.id;
  f.limit = 1000000;
  auto listed = store_.list_executions(f);
  if (!listed) return;  // store trouble: leave it queued for the next recover()
  // Children of earlier attempts (a retried Parallel/Map) have lower branch indexes.
  std::vector<store::ExecutionRecord> children;
  for (auto& c : *listed)
    if (c.branch_index >= round_first) children.push_back(std::move(c));
  std::int64_t running = 0;
  for (const auto& c : children) {
    if (c.status == store::kExecFailed || c.status == store::kExecAborted) {
      AslError err{c.error.value_or(kErrBranchFailed), c.cause.value_or("")};
      std::string now = core::format_rfc3339(clock_.now());
      for (auto other : children) {
        if (is_finished(other.status)) continue;
        other.status = store::kExecAborted;
        other.error = "States.BranchFailed";
        other.cause = "a sibling failed";
        other.stop_time = now;
        other.wake_at.reset();
        s.child_updates.push_back(other);
      }
      if (type == "Map") {
        event(s, "MapIterationFailed",
              {{"index", c.branch_index - round_first}, {"error", err.error}});
      }
      event(s, type + "StateFailed", {{"error", err.error}, {"cause", err.cause}});
      s.cursor["started"] = total;
      return handle_error(s, state, err);
    }
    if (!is_finished(c.status)) ++running;
  }
  const std::int64_t done = static_cast<std::int64_t>(children.size()) - running;
  if (done == total) {
    Json outputs = Json::array();
    for (const auto& c : children) outputs.push_back(parse_or_null(c.output));
    event(s, type + "StateSucceeded", {{"name", s.cursor["state"]}});
    return finish_state(s, state, outputs);
  }
  std::int64_t limit = total;
  if (type == "Map") {
    // The validator kept MaxConcurrency within [0, kMaxMapConcurrency]; an inline Map runs
    // at most kMaxInlineMapConcurrency iterations at once whatever it says.
    const std::int64_t asked = state.value("MaxConcurrency", std::int64_t{0});
    limit = std::min(asked > 0 ? asked : total, kMaxInlineMapConcurrency);
  }
  const Json machine_of_children =
      type == "Parallel"
          ? Json()
          : (state.contains("ItemProcessor") ? state["ItemProcessor"] : state["Iterator"]);
  while (started < total && running < limit) {
    const Json& machine = type == "Parallel" ? state["Branches"][static_cast<std::size_t>(started)]
                                             : machine_of_children;
    auto child = new_child(s, round_first + started, machine,
                           s.cursor["items"][static_cast<std::size_t>(started)]);
    s.events.push_back({child.id, 0, 0, "ExecutionStarted", child.start_time,
                        Json{{"input", s.cursor["items"][static_cast<std::size_t>(started)]},
                             {"name", child.name},
                             {"parentExecutionId", s.rec.id}}
                            .dump()});
    if (type == "Map")
      event(s, "MapIterationStarted", {{"index", started}, {"executionId", child.id}});
    s.creates.push_back(std::move(child));
    ++started;
    ++running;
  }
  s.cursor["started"] = started;
}

void Executor::transition(Step& s, const Json& state, Json output) {
  event(s, state_type(state) + "StateExited", {{"name", s.cursor["state"]}, {"output", output}});
  if (state.value("End", false)) return succeed_execution(s, std::move(output));
  go_to(s, state["Next"].get<std::string>(), std::move(output));
}

void Executor::go_to(Step& s, const std::string& next, Json input) {
  Json exec = s.cursor["exec"];
  // Children of a retried Parallel/Map keep increasing indexes: remember where we are.
  std::int64_t next_index =
      s.cursor.value("first_child_index", 0) +
      static_cast<std::int64_t>(s.cursor.value("items", Json::array()).size());
  Json kept = {{kCurTransitions, s.cursor.value(kCurTransitions, std::int64_t{0}) + 1},
               {kCurHistory, s.cursor.value(kCurHistory, std::int64_t{1})}};
  if (s.cursor.value(kCurLimitHit, false)) kept[kCurLimitHit] = true;
  s.cursor = {{"state", next}, {"input", std::move(input)}, {"phase", kPhaseEnter}, {"exec", exec}};
  s.cursor.update(kept);
  if (next_index > 0) s.cursor["first_child_index"] = next_index;
  s.rec.wake_at.reset();
  s.requeue = true;
}

void Executor::handle_error(Step& s, const Json& state, const AslError& err) {
  const std::string type = state_type(state);
  // A retry of a limit error would only hit the limit again.
  if (state.contains("Retry") && err.error != kErrRuntime && !is_limit_error(err.error)) {
    const Json& retry = state["Retry"];
    for (std::size_t i = 0; i < retry.size(); ++i) {
      const Json& r = retry[i];
      if (!error_matches(r["ErrorEquals"], err.error)) continue;
      const std::string key = std::to_string(i);
      if (!s.cursor["retries"].is_object()) s.cursor["retries"] = Json::object();
      int count = s.cursor["retries"].value(key, 0);
      if (count >= r.value("MaxAttempts", 3)) break;  // exhausted: on to Catch
      auto delay = retry_delay(r, count);
      if (r.value("JitterStrategy", "NONE") == "FULL") {
        std::uniform_int_distribution<std::int64_t> dist(0, delay.count());
        delay = std::chrono::milliseconds(dist(random_));
      }
      s.cursor["retries"][key] = count + 1;
      s.cursor.erase("polls");  // the next attempt starts afresh
      s.cursor.erase("first_run");
      s.cursor["attempt"] = s.cursor.value("attempt", 0) + 1;
      s.cursor["phase"] = kPhaseRetry;
      s.cursor["retry_phase"] = type == "Task" ? kPhaseTask : kPhaseStartChildren;
      if (type != "Task") {
        s.cursor["first_child_index"] =
            s.cursor.value("first_child_index", 0) +
            static_cast<std::int64_t>(s.cursor.value("items", Json::array()).size());
      }
      s.rec.wake_at = core::format_rfc3339(clock_.now() + delay);
      s.requeue = true;
      return;
    }
  }
  if (state.contains("Catch") && err.error != kErrRuntime) {
    for (const auto& c : state["Catch"]) {
      if (!error_matches(c["ErrorEquals"], err.error)) continue;
      Json error_output = {{"Error", err.error}, {"Cause", err.cause}};
      const Json* rp = c.contains("ResultPath") ? &c["ResultPath"] : nullptr;
      auto after = apply_result_path(rp, s.cursor["input"], error_output);
      if (!after) return fail_execution(s, to_asl_error(after.status()));
      event(s, type + "StateExited",
            {{"name", s.cursor["state"]}, {"output", *after}, {"caught", err.error}});
      return go_to(s, c["Next"].get<std::string>(), *after);
    }
  }
  fail_execution(s, err);
}

void Executor::succeed_execution(Step& s, Json output) {
  s.rec.status = store::kExecSucceeded;
  s.rec.output = output.dump();
  s.rec.stop_time = core::format_rfc3339(clock_.now());
  s.rec.wake_at.reset();
  s.cursor["phase"] = "done";
  event(s, "ExecutionSucceeded", {{"output", output}});
  if (!s.rec.parent_id.empty()) s.wake_after_commit.push_back(s.rec.parent_id);
  s.requeue = false;
}

void Executor::fail_execution(Step& s, const AslError& err, const char* event_type) {
  s.rec.status = store::kExecFailed;
  s.rec.error = err.error;
  s.rec.cause = err.cause;
  s.rec.stop_time = core::format_rfc3339(clock_.now());
  s.rec.wake_at.reset();
  s.cursor["phase"] = "done";
  event(s, event_type, {{"error", err.error}, {"cause", err.cause}});
  if (!s.rec.parent_id.empty()) s.wake_after_commit.push_back(s.rec.parent_id);
  s.requeue = false;
}

}  // namespace lifeboat::workflow

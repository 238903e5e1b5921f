// Parallel and Map: their branches / iterations run as child executions (own rows and
// histories, so they are durable the same way), and the parent waits for them holding no
// thread: each finishing child wakes it.
//
// The parent's cost is linear in its children: its cursor keeps the ids of the children
// still running (at most the concurrency limit), and each step reads only those rows; the
// whole set is read once, at the end, for the outputs.
#include <algorithm>

#include "core/ids.h"
#include "core/time_format.h"
#include "workflow/execution_limits.h"
#include "workflow/executor.h"
#include "workflow/executor_step.h"

namespace lifeboat::workflow {

using core::Json;

namespace {

bool is_finished(const store::ExecutionRecord& r) {
  return r.status != store::ExecutionStatus::kRunning;
}

Json parse_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  Json j = Json::parse(*text, nullptr, false);
  return j.is_discarded() ? Json(nullptr) : j;
}

const ResultHandling& result_of(const State& state) {
  if (const auto* map = std::get_if<MapState>(&state)) return map->result;
  return std::get<ParallelState>(state).result;
}

}  // namespace

void Executor::enter_children(Step& s, const State& state, const Json& effective, const Json& ctx) {
  // Parallel: InputPath then Parameters. Map: ItemSelector applies per item, when the
  // children start.
  core::Result<Json> input = effective;
  const auto* parallel = std::get_if<ParallelState>(&state);
  if (parallel != nullptr && parallel->parameters)
    input = parallel->parameters->apply(effective, ctx);
  if (!input) return handle_error(s, common(state), to_asl_error(input.status()));
  s.cursor.effective = *input;
  s.cursor.phase = Phase::kStartChildren;
  start_children(s, state);
}

store::ExecutionRecord Executor::new_child(const Step& s, std::int64_t index,
                                           const ChildMachine& machine, const Json& input) {
  store::ExecutionRecord c;
  c.id = core::new_uuid();
  c.name = s.rec.name + "/" + s.cursor.state + "/" + std::to_string(index);
  c.parent_id = s.rec.id;
  c.branch_index = index;
  c.definition = machine.definition;
  c.input = input.dump();
  c.start_time = clock_.now();
  ExecutionCursor cursor;
  cursor.state = machine.start_at;
  cursor.input = input;
  cursor.exec = s.cursor.exec;
  cursor.history = 1;  // its ExecutionStarted, written with the parent's step
  c.cursor = cursor.dump();
  return c;
}

void Executor::start_children(Step& s, const State& state) {
  const StateCommon& c = common(state);
  const Json input = s.cursor.effective.value_or(Json());
  Json items = Json::array();
  if (const auto* parallel = std::get_if<ParallelState>(&state)) {
    for (std::size_t i = 0; i < parallel->branches.size(); ++i) items.push_back(input);
    event(s, "ParallelStateStarted", {{"name", s.cursor.state}});
  } else {
    const auto& map = std::get<MapState>(state);
    const Json ctx = context_object(s);
    Json list = input;
    if (map.items_path) {
      auto v = map.items_path->select(input, ctx);
      if (!v) return handle_error(s, c, {kErrRuntime, "ItemsPath: " + v.status().message()});
      list = std::move(v).value();
    }
    if (!list.is_array())
      return handle_error(s, c, {kErrRuntime, "the Map items are not an array"});
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!map.item_selector) {
        items.push_back(list[i]);
        continue;
      }
      Json item_ctx = ctx;
      item_ctx["Map"] = {{"Item", {{"Index", i}, {"Value", list[i]}}}};
      auto v = map.item_selector->apply(input, item_ctx);
      if (!v) return handle_error(s, c, to_asl_error(v.status()));
      items.push_back(std::move(v).value());
    }
    event(s, "MapStateStarted", {{"name", s.cursor.state}, {"length", list.size()}});
  }
  s.cursor.phase = Phase::kChildren;
  s.cursor.items = std::move(items);
  s.cursor.started = 0;
  s.cursor.running = std::vector<std::string>();
  s.cursor.round += 1;
  check_children(s, state);
}

void Executor::check_children(Step& s, const State& state) {
  const StateCommon& c = common(state);
  const auto* map = std::get_if<MapState>(&state);
  const Json no_items = Json::array();
  const Json& items = s.cursor.items ? *s.cursor.items : no_items;
  const std::int64_t total = static_cast<std::int64_t>(items.size());
  const std::int64_t round_first = s.cursor.first_child_index;
  // The children to look at: those still running. A cursor written before their ids were
  // kept has none: every child of this round is read once to find them.
  store::ExecutionFilter f;
  f.parent_id = s.rec.id;
  f.min_branch_index = round_first;
  f.limit = std::max<std::int64_t>(total, 1);
  if (s.cursor.running) f.ids = *s.cursor.running;
  auto listed = store_.list_executions(f);
  if (!listed) return;  // store trouble: leave it queued for the next recover()
  std::vector<std::string> running;
  for (const auto& child : *listed) {
    if (child.status == store::ExecutionStatus::kFailed ||
        child.status == store::ExecutionStatus::kAborted) {
      AslError err{child.error.value_or(kErrBranchFailed), child.cause.value_or("")};
      const core::Clock::WallTime now = clock_.now();
      for (auto other : *listed) {
        if (is_finished(other)) continue;
        other.status = store::ExecutionStatus::kAborted;
        other.error = "States.BranchFailed";
        other.cause = "a sibling failed";
        other.stop_time = now;
        other.wake_at.reset();
        s.child_updates.push_back(other);
      }
      if (map != nullptr) {
        event(s, "MapIterationFailed",
              {{"index", child.branch_index - round_first}, {"error", err.error}});
      }
      event(s, c.type + "StateFailed", {{"error", err.error}, {"cause", err.cause}});
      s.cursor.started = total;
      s.cursor.running = std::vector<std::string>();
      return handle_error(s, c, err);
    }
    if (!is_finished(child)) running.push_back(child.id);
  }
  std::int64_t started = s.cursor.started;
  if (started == total && running.empty()) {
    // Every child finished: read them all once, in order, for the outputs.
    store::ExecutionFilter all;
    all.parent_id = s.rec.id;
    all.min_branch_index = round_first;
    all.limit = std::max<std::int64_t>(total, 1);
    auto children = store_.list_executions(all);
    if (!children) return;
    Json outputs = Json::array();
    for (const auto& child : *children)
      if (child.branch_index < round_first + total) outputs.push_back(parse_or_null(child.output));
    if (static_cast<std::int64_t>(outputs.size()) != total)
      return handle_error(
          s, c,
          {kErrRuntime, std::to_string(total - static_cast<std::int64_t>(outputs.size())) +
                            " child execution(s) of state '" + c.name +
                            "' are missing from the store"});
    event(s, c.type + "StateSucceeded", {{"name", s.cursor.state}});
    return finish_state(s, c, result_of(state), outputs);
  }
  std::int64_t limit = total;
  if (map != nullptr) {
    // The validator kept MaxConcurrency within [0, kMaxMapConcurrency]; an inline Map runs
    // at most kMaxInlineMapConcurrency iterations at once whatever it says.
    limit =
        std::min(map->max_concurrency > 0 ? map->max_concurrency : total, kMaxInlineMapConcurrency);
  }
  while (started < total && static_cast<std::int64_t>(running.size()) < limit) {
    const auto index = static_cast<std::size_t>(started);
    const ChildMachine& machine =
        map != nullptr ? map->processor : std::get<ParallelState>(state).branches[index];
    auto child = new_child(s, round_first + started, machine, items[index]);
    s.events.push_back(
        {child.id, 0, 0, "ExecutionStarted", core::format_rfc3339(child.start_time),
         Json{{"input", items[index]}, {"name", child.name}, {"parentExecutionId", s.rec.id}}
             .dump()});
    if (map != nullptr)
      event(s, "MapIterationStarted", {{"index", started}, {"executionId", child.id}});
    running.push_back(child.id);
    s.creates.push_back(std::move(child));
    ++started;
  }
  s.cursor.started = started;
  // A wake-up that only saw children finish writes nothing (the next one reads those rows
  // again, a bounded number); a cursor that had no ids yet is written once with them.
  if (!s.cursor.running) s.touched = true;
  s.cursor.running = std::move(running);
}

}  // namespace lifeboat::workflow

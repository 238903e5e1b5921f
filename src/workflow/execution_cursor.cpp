#include "workflow/execution_cursor.h"

#include <array>
#include <utility>

#include "core/time_format.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;
using core::Status;

namespace {

constexpr std::array<std::pair<Phase, const char*>, 8> kPhaseNames = {{
    {Phase::kEnter, "enter"},
    {Phase::kWait, "wait"},
    {Phase::kTask, "task"},
    {Phase::kRetry, "retry"},
    {Phase::kPoll, "poll"},
    {Phase::kStartChildren, "start_children"},
    {Phase::kChildren, "children"},
    {Phase::kDone, "done"},
}};

const char* phase_name(Phase phase) {
  for (const auto& [p, name] : kPhaseNames)
    if (p == phase) return name;
  return "enter";
}

Result<Phase> parse_phase(const std::string& text) {
  for (const auto& [p, name] : kPhaseNames)
    if (text == name) return p;
  return Status::invalid_argument("unknown cursor phase '" + text + "'");
}

Status bad(const char* key) {
  return Status::invalid_argument(std::string("corrupt execution cursor: field '") + key + "'");
}

// Reads `key` into `out` when present; a value of the wrong type is an error.
template <typename T>
Status read(const Json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::ok();
  try {
    out = it->get<T>();
  } catch (const Json::exception&) {
    return bad(key);
  }
  return Status::ok();
}

template <typename T>
Status read(const Json& j, const char* key, std::optional<T>& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::ok();
  T value{};
  LIFEBOAT_RETURN_IF_ERROR(read(j, key, value));
  out = std::move(value);
  return Status::ok();
}

}  // namespace

Result<ExecutionCursor> ExecutionCursor::parse(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Status::invalid_argument("corrupt execution cursor");
  ExecutionCursor c;
  LIFEBOAT_RETURN_IF_ERROR(read(j, "state", c.state));
  if (j.contains("input")) c.input = j["input"];
  std::string phase = "enter";
  LIFEBOAT_RETURN_IF_ERROR(read(j, "phase", phase));
  LIFEBOAT_ASSIGN_OR_RETURN(c.phase, parse_phase(phase));
  if (j.contains("exec")) c.exec = j["exec"];
  if (!c.exec.is_object()) return bad("exec");
  LIFEBOAT_RETURN_IF_ERROR(read(j, "transitions", c.transitions));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "history", c.history));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "limit_hit", c.limit_hit));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "first_child_index", c.first_child_index));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "entered", c.entered));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "attempt", c.attempt));
  std::map<std::string, int> retries;
  LIFEBOAT_RETURN_IF_ERROR(read(j, "retries", retries));
  for (const auto& [key, count] : retries) {
    try {
      c.retries[std::stoul(key)] = count;
    } catch (const std::exception&) {
      return bad("retries");
    }
  }
  if (j.contains("effective")) c.effective = j["effective"];
  LIFEBOAT_RETURN_IF_ERROR(read(j, "timeout", c.timeout));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "polls", c.polls));
  std::optional<std::string> first_run;
  LIFEBOAT_RETURN_IF_ERROR(read(j, "first_run", first_run));
  if (first_run) {
    // An unreadable time was ignored before (the task measured from now): still is.
    auto t = core::parse_rfc3339(*first_run);
    if (t) c.first_run = *t;
  }
  std::string retry_phase = "task";
  LIFEBOAT_RETURN_IF_ERROR(read(j, "retry_phase", retry_phase));
  LIFEBOAT_ASSIGN_OR_RETURN(c.retry_phase, parse_phase(retry_phase));
  if (j.contains("items")) {
    c.items = j["items"];
    if (!c.items->is_array()) return bad("items");
  }
  LIFEBOAT_RETURN_IF_ERROR(read(j, "started", c.started));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "round", c.round));
  LIFEBOAT_RETURN_IF_ERROR(read(j, "running", c.running));
  return c;
}

std::string ExecutionCursor::dump() const {
  Json j = {{"state", state},
            {"input", input},
            {"phase", phase_name(phase)},
            {"exec", exec},
            {"transitions", transitions},
            {"history", history},
            {"attempt", attempt}};
  if (limit_hit) j["limit_hit"] = true;
  if (first_child_index > 0) j["first_child_index"] = first_child_index;
  if (entered) j["entered"] = *entered;
  Json r = Json::object();
  for (const auto& [index, count] : retries) r[std::to_string(index)] = count;
  j["retries"] = std::move(r);
  if (effective) j["effective"] = *effective;
  if (timeout) j["timeout"] = *timeout;
  if (polls) j["polls"] = *polls;
  if (first_run) j["first_run"] = core::format_rfc3339(*first_run);
  if (phase == Phase::kRetry) j["retry_phase"] = phase_name(retry_phase);
  if (items) {
    j["items"] = *items;
    j["started"] = started;
    j["round"] = round;
  }
  if (running) j["running"] = *running;
  return j.dump();
}

}  // namespace lifeboat::workflow

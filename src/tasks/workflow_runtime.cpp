#include "tasks/workflow_runtime.h"

#include "core/time_format.h"
#include "fs/posix_file_system.h"
#include "tasks/builtin_resources.h"

namespace lifeboat::tasks {

WorkflowRuntime::WorkflowRuntime(store::Store& store, registry::Registry& registry,
                                 const core::Clock& clock, workflow::TaskAdmission* admission)
    : executions_(store) {
  BuiltinServices services;
  services.fs = &fs::PosixFileSystem::instance();
  services.registry = &registry;
  services.executions = &executions_;
  services.clock = &clock;
  register_builtin_resources(resources_, services);
  add_extra_resources(resources_);
  workflow::ExecutorOptions options;
  options.admission = admission;
  executor_ = std::make_unique<workflow::Executor>(executions_, resources_, clock, options);
}

namespace {

core::Json parse_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  core::Json j = core::Json::parse(*text, nullptr, false);
  return j.is_discarded() ? core::Json(*text) : j;
}

}  // namespace

core::Json execution_to_json(const store::ExecutionRecord& rec) {
  core::Json j = {{"id", rec.id},
                  {"name", rec.name},
                  {"status", store::execution_status_name(rec.status)},
                  {"input", parse_text(rec.input)},
                  {"output", parse_text(rec.output)},
                  {"startDate", core::format_rfc3339(rec.start_time)},
                  {"stopDate", rec.stop_time ? core::Json(core::format_rfc3339(*rec.stop_time))
                                             : core::Json()}};
  if (rec.error) j["error"] = *rec.error;
  if (rec.cause) j["cause"] = *rec.cause;
  if (!rec.parent_id.empty()) j["parentId"] = rec.parent_id;
  return j;
}

core::Result<core::Json> execution_detail_json(store::ExecutionStore& executions,
                                               const std::string& id) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rec, executions.get_execution(id));
  if (!rec) {
    return core::Status::not_found("no execution '" + id + "'; see `lifeboat executions list`");
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto events, executions.list_events(id));
  store::ExecutionFilter children_filter;
  children_filter.parent_id = id;
  LIFEBOAT_ASSIGN_OR_RETURN(auto children, executions.list_executions(children_filter));
  core::Json path = core::Json::array();
  core::Json history = core::Json::array();
  for (const auto& e : events) {
    core::Json details = core::Json::parse(e.details, nullptr, false);
    if (details.is_discarded()) details = e.details;
    if (e.type.ends_with("StateEntered") && details.is_object()) {
      path.push_back(details.value("name", ""));
    }
    core::Json entry{{"id", e.id},
                     {"previousEventId", e.previous_event_id},
                     {"type", e.type},
                     {"timestamp", e.timestamp},
                     {"details", details}};
    if (!e.lease_owner.empty()) {  // which daemon ran the step, under which lease
      entry["node"] = e.lease_owner;
      entry["leaseToken"] = e.lease_token;
    }
    history.push_back(std::move(entry));
  }
  core::Json child_ids = core::Json::array();
  core::Json child_summaries = core::Json::array();
  for (const auto& c : children) {
    child_ids.push_back(c.id);
    child_summaries.push_back({{"id", c.id},
                               {"branchIndex", c.branch_index},
                               {"status", store::execution_status_name(c.status)}});
  }
  core::Json j = execution_to_json(*rec);
  // The state machine it runs, so a reader (the dashboard's graph, docs/architecture.md
  // "Dashboard") can draw every state, reached or not, beside the path taken.
  j["definition"] = parse_text(rec->definition);
  j["path"] = path;
  j["history"] = history;
  j["children"] = child_ids;
  j["childExecutions"] = child_summaries;
  return j;
}

core::Json dead_letter_to_json(const store::DeadLetter& d) {
  return {{"id", d.id},
          {"executionId", d.execution_id},
          {"createdAt", d.created_at},
          {"payload", parse_text(d.payload)},
          {"error", d.error},
          {"cause", d.cause},
          {"status", d.status},
          {"redriveExecutionId",
           d.redrive_execution_id ? core::Json(*d.redrive_execution_id) : core::Json()}};
}

workflow::TaskResourceRegistry validation_resources() {
  workflow::TaskResourceRegistry resources;
  register_builtin_resources(resources, BuiltinServices{});
  add_extra_resources(resources);
  return resources;
}

}  // namespace lifeboat::tasks

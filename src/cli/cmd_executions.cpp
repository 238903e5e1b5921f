// lifeboat executions start --definition FILE --input JSON [--name N] [--wait]
//                     list [--status S] [--profile D/K/N] [--sort -started|started]
//                          [--limit N] [--cursor C]
//                   | show ID | stop ID | resume [ID]
//
// Durable ASL executions in the store. `start` records an execution; with --wait it also
// runs it here to the end and prints the finished execution (exit 1 if it failed).
// Without --wait the daemon (or `executions resume`) runs it. `resume` runs every
// unfinished execution (or one) in this process until each has finished — what a restart
// after a crash does.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/command_registry.h"
#include "cli/list_pages.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "core/clock.h"
#include "core/file_text.h"
#include "core/json.h"
#include "core/time_format.h"
#include "tasks/leased_run.h"
#include "tasks/workflow_runtime.h"

namespace lifeboat::cli {
namespace {

using core::Json;

struct StartOptions {
  std::string definition;
  std::string input = "{}";
  std::string name;
  bool wait = false;
};

struct IdOptions {
  std::string id;
  std::string error = "Lifeboat.Stopped";
  std::string cause = "stopped with `lifeboat executions stop`";
};

// A store, the registry on it and the runtime, alive for one command.
struct Session {
  std::unique_ptr<RegistryAccess> access;
  std::unique_ptr<tasks::WorkflowRuntime> runtime;
};

core::Result<Session> open_session(const GlobalOptions& global) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto access, open_cli_registry(global));
  Session s;
  s.access = std::move(access);
  s.runtime = std::make_unique<tasks::WorkflowRuntime>(*s.access->store, *s.access->registry,
                                                       core::SystemClock::instance());
  return s;
}

core::Result<std::string> read_file(const std::string& path, const std::string& what) {
  return core::read_file_text(path, what);
}

// One row of the executions table: ID, NAME, STATUS, STARTED, STOPPED.
std::vector<std::string> execution_row(const store::ExecutionRecord& rec) {
  return {rec.id, rec.name, std::string(store::execution_status_name(rec.status)),
          core::format_rfc3339(rec.start_time),
          rec.stop_time ? core::format_rfc3339(*rec.stop_time) : ""};
}

void print_execution(const GlobalOptions& global, const store::ExecutionRecord& rec) {
  Json j = tasks::execution_to_json(rec);
  if (want_json(global)) {
    print_json(j);
    return;
  }
  print_table({"ID", "NAME", "STATUS", "STARTED", "STOPPED"}, {execution_row(rec)});
  if (rec.output) std::printf("output: %s\n", rec.output->c_str());
  if (rec.error) std::printf("error: %s: %s\n", rec.error->c_str(), rec.cause.value_or("").c_str());
}

int finished_exit_code(const store::ExecutionRecord& rec) {
  return rec.status == store::ExecutionStatus::kSucceeded ? 0 : 1;
}

int run_start(const StartOptions& opts, const GlobalOptions& global) {
  auto text = read_file(opts.definition, "workflow definition");
  if (!text) return report_failure(text.status());
  auto def = core::parse_json(*text, "workflow definition '" + opts.definition + "'");
  if (!def) return report_failure(def.status());
  std::string input_text = opts.input;
  if (!input_text.empty() && input_text[0] == '@') {
    auto in = read_file(input_text.substr(1), "input file");
    if (!in) return report_failure(in.status());
    input_text = *in;
  }
  auto input = core::parse_json(input_text, "--input");
  if (!input) return report_failure(input.status());
  auto session = open_session(global);
  if (!session) return report_failure(session.status());
  auto& executor = session->runtime->executor();
  auto id = executor.start(*def, *input, opts.name);
  if (!id) return report_failure(id.status());
  if (!opts.wait) {
    auto rec = session->runtime->executions().get_execution(*id);
    if (!rec || !*rec)
      return report_failure(rec ? core::Status::internal("execution vanished") : rec.status());
    print_execution(global, **rec);
    return 0;
  }
  auto done = tasks::run_leased_until_finished(*session->runtime, *session->access->store, *id);
  if (!done) return report_failure(done.status());
  print_execution(global, *done);
  return finished_exit_code(*done);
}

int run_list(const ListOptions& opts, const GlobalOptions& global) {
  auto query = server::execution_query_from_params(opts.params);
  if (!query) return report_failure(query.status());
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  store::SqlExecutionStore executions(**store);
  ListFormat<store::ExecutionRecord> format{
      {"ID", "NAME", "STATUS", "STARTED", "STOPPED"}, &execution_row, &tasks::execution_to_json};
  return print_pages<store::ExecutionRecord>(global, opts, format,
                                             [&](const store::PageRequest& page) {
                                               return executions.list_executions_page(*query, page);
                                             });
}

int run_show(const IdOptions& opts, const GlobalOptions& global) {
  auto session = open_session(global);
  if (!session) return report_failure(session.status());
  auto& executions = session->runtime->executions();
  auto detail = tasks::execution_detail_json(executions, opts.id);
  if (!detail) return report_failure(detail.status());
  if (want_json(global)) {
    print_json(*detail);
    return 0;
  }
  auto rec = executions.get_execution(opts.id);
  if (!rec || !*rec) return report_failure(rec ? core::Status::not_found(opts.id) : rec.status());
  print_execution(global, **rec);
  std::string joined;
  for (const auto& p : (*detail)["path"]) {
    joined += (joined.empty() ? "" : " -> ") + p.get<std::string>();
  }
  std::printf("path: %s\n", joined.c_str());
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : (*detail)["history"]) {
    rows.push_back({std::to_string(e["id"].get<std::int64_t>()), e["timestamp"].get<std::string>(),
                    e["type"].get<std::string>(), e["details"].dump()});
  }
  print_table({"EVENT", "TIME", "TYPE", "DETAILS"}, rows);
  return 0;
}

int run_stop(const IdOptions& opts, const GlobalOptions& global) {
  auto session = open_session(global);
  if (!session) return report_failure(session.status());
  auto st = session->runtime->executor().stop(opts.id, opts.error, opts.cause);
  if (!st) return report_failure(st);
  auto rec = session->runtime->executions().get_execution(opts.id);
  if (rec && *rec) print_execution(global, **rec);
  return 0;
}

int run_resume(const IdOptions& opts, const GlobalOptions& global) {
  auto session = open_session(global);
  if (!session) return report_failure(session.status());
  auto& store = *session->access->store;
  if (!opts.id.empty()) {
    // Its children too (they are separate rows), under the execution's lease.
    auto done = tasks::run_leased_until_finished(*session->runtime, store, opts.id);
    if (!done) return report_failure(done.status());
    print_execution(global, *done);
    return finished_exit_code(*done);
  }
  // Every unfinished top-level execution, one after the other, each under its lease; one a
  // daemon runs is left to it (and waited for).
  store::ExecutionFilter filter;
  filter.status = store::ExecutionStatus::kRunning;
  filter.limit = 1000000;
  auto todo = session->runtime->executions().list_executions(filter);
  if (!todo) return report_failure(todo.status());
  for (const auto& rec : *todo) {
    auto done = tasks::run_leased_until_finished(*session->runtime, store, rec.id);
    if (!done) return report_failure(done.status());
  }
  auto left = session->runtime->executions().list_executions(filter);
  if (!left) return report_failure(left.status());
  if (want_json(global)) {
    print_json({{"unfinished", left->size()}});
  } else if (!global.quiet) {
    std::printf("every unfinished execution ran to its end; %zu still running\n", left->size());
  }
  return 0;
}

void setup_executions(CLI::App& app, CommandContext& ctx) {
  auto& group = command_group(app, "executions", "durable workflow executions");
  group.require_subcommand(1);

  auto start = std::make_shared<StartOptions>();
  auto* s = group.add_subcommand("start", "start an execution of a workflow definition");
  s->add_option("--definition", start->definition, "the ASL JSON file")->required();
  s->add_option("--input", start->input, "the execution input: JSON text or @FILE (default {})");
  s->add_option("--name", start->name, "a name for the execution (default: its id)");
  s->add_flag("--wait", start->wait, "run it here to the end and print the finished execution");
  s->callback([start, &ctx] { ctx.exit_code = run_start(*start, ctx.global); });

  auto ids = std::make_shared<IdOptions>();
  auto list_opts = std::make_shared<ListOptions>();
  auto* l = group.add_subcommand("list", "list top-level executions, newest first");
  add_list_option(*l, *list_opts, "status", "status",
                  "only RUNNING, SUCCEEDED, FAILED or ABORTED ones");
  add_list_option(*l, *list_opts, "profile", "profile",
                  "only those about profile DOMAIN/KIND/NAME (its recoveries)");
  add_list_option(*l, *list_opts, "sort", "sort",
                  "-started (newest first, the default) or started");
  add_page_options(*l, *list_opts);
  l->callback([list_opts, &ctx] { ctx.exit_code = run_list(*list_opts, ctx.global); });

  auto* sh = group.add_subcommand("show", "an execution: the state path it took and its history");
  sh->add_option("ID", ids->id, "execution id")->required();
  sh->callback([ids, &ctx] { ctx.exit_code = run_show(*ids, ctx.global); });

  auto* st = group.add_subcommand("stop", "stop a running execution (status ABORTED)");
  st->add_option("ID", ids->id, "execution id")->required();
  st->add_option("--error", ids->error, "error name recorded (default Lifeboat.Stopped)");
  st->add_option("--cause", ids->cause, "cause recorded");
  st->callback([ids, &ctx] { ctx.exit_code = run_stop(*ids, ctx.global); });

  auto* r = group.add_subcommand("resume",
                                 "run unfinished executions (all, or ID) here until they finish");
  r->add_option("ID", ids->id, "only this execution");
  r->callback([ids, &ctx] { ctx.exit_code = run_resume(*ids, ctx.global); });
}

const bool kRegistered = register_command("executions", &setup_executions);

}  // namespace
}  // namespace lifeboat::cli

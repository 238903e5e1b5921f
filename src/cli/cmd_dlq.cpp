// lifeboat dlq list [--limit N] [--cursor C] | redrive ID [--wait]
//
// The dead-letter table (the reference design's SQS dead-letter queue): executions of the
// recovery workflow that failed, with the input to replay. `redrive` starts a new
// execution of the same definition with the same input and marks the letter REDRIVEN.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command_registry.h"
#include "cli/list_pages.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "core/clock.h"
#include "tasks/dead_letter_redrive.h"
#include "tasks/leased_run.h"
#include "tasks/workflow_runtime.h"

namespace lifeboat::cli {
namespace {

using core::Json;

struct DlqOptions {
  std::string id;
  bool wait = false;
};

std::vector<std::string> dead_letter_row(const store::DeadLetter& d) {
  return {d.id, d.created_at, d.status, d.execution_id, d.error, d.cause};
}

int run_list(const ListOptions& opts, const GlobalOptions& global) {
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  store::SqlExecutionStore executions(**store);
  ListFormat<store::DeadLetter> format{{"ID", "CREATED", "STATUS", "EXECUTION", "ERROR", "CAUSE"},
                                       &dead_letter_row,
                                       &tasks::dead_letter_to_json};
  return print_pages<store::DeadLetter>(global, opts, format, [&](const store::PageRequest& page) {
    return executions.list_dead_letters_page(page);
  });
}

int run_redrive(const DlqOptions& opts, const GlobalOptions& global) {
  auto access = open_cli_registry(global);
  if (!access) return report_failure(access.status());
  tasks::WorkflowRuntime runtime(*(*access)->store, *(*access)->registry,
                                 core::SystemClock::instance());
  auto id = tasks::redrive_dead_letter(runtime, opts.id);
  if (!id) return report_failure(id.status());
  store::ExecutionRecord rec;
  if (opts.wait) {
    auto done = tasks::run_leased_until_finished(runtime, *(*access)->store, *id);
    if (!done) return report_failure(done.status());
    rec = *done;
  } else {
    auto got = runtime.executions().get_execution(*id);
    if (!got || !*got)
      return report_failure(got ? core::Status::internal("execution vanished") : got.status());
    rec = **got;
  }
  if (want_json(global)) {
    print_json(tasks::execution_to_json(rec));
  } else if (!global.quiet) {
    std::printf("dead letter %s redriven as execution %s (%s)\n", opts.id.c_str(), rec.id.c_str(),
                std::string(store::execution_status_name(rec.status)).c_str());
  }
  return opts.wait && rec.status != store::ExecutionStatus::kSucceeded ? 1 : 0;
}

void setup_dlq(CLI::App& app, CommandContext& ctx) {
  auto& group = command_group(app, "dlq", "dead letters: failed recovery executions");
  group.require_subcommand(1);
  auto* l = group.add_subcommand("list", "list dead letters, newest first");
  auto list_opts = std::make_shared<ListOptions>();
  add_page_options(*l, *list_opts);
  l->callback([list_opts, &ctx] { ctx.exit_code = run_list(*list_opts, ctx.global); });
  auto opts = std::make_shared<DlqOptions>();
  auto* r = group.add_subcommand("redrive", "start the failed execution again with its input");
  r->add_option("ID", opts->id, "dead letter id")->required();
  r->add_flag("--wait", opts->wait, "run the new execution here to the end");
  r->callback([opts, &ctx] { ctx.exit_code = run_redrive(*opts, ctx.global); });
}

const bool kRegistered = register_command("dlq", &setup_dlq);

}  // namespace
}  // namespace lifeboat::cli

// lifeboat workflow validate FILE [--syntax-only]
//
// Checks an Amazon States Language definition: exit 0 when valid; otherwise exit 2 and one
// line per problem naming the state and the field. --syntax-only skips looking Task
// Resources up among Lifeboat's (so definitions written for AWS can be linted too).
#include <fstream>
#include <sstream>
#include <string>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "core/file_text.h"
#include "core/json.h"
#include "tasks/workflow_runtime.h"
#include "workflow/state_machine.h"

namespace lifeboat::cli {
namespace {

struct ValidateOptions {
  std::string file;
  bool syntax_only = false;
};

int run_validate(const ValidateOptions& opts, const GlobalOptions& global) {
  auto text = core::read_file_text(opts.file, "workflow definition");
  if (!text) {
    print_error(text.status().message());
    return 2;
  }
  auto def = core::parse_json(*text, "workflow definition '" + opts.file + "'");
  if (!def) {
    print_error(def.status().message());
    return 2;
  }
  auto resources = tasks::validation_resources();
  auto problems = workflow::StateMachine::validate(*def, &resources, opts.syntax_only);
  if (want_json(global)) {
    print_json({{"file", opts.file}, {"valid", problems.empty()}, {"problems", problems}});
  } else if (problems.empty()) {
    if (!global.quiet) std::printf("%s: valid\n", opts.file.c_str());
  } else {
    for (const auto& p : problems) std::printf("%s: %s\n", opts.file.c_str(), p.c_str());
  }
  return problems.empty() ? 0 : 2;
}

void setup_workflow(CLI::App& app, CommandContext& ctx) {
  auto& group = command_group(app, "workflow", "Amazon States Language workflow definitions");
  group.require_subcommand(1);
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = group.add_subcommand("validate", "check a workflow definition (exit 2 if invalid)");
  cmd->add_option("FILE", opts->file, "the ASL JSON file")->required();
  cmd->add_flag(
      "--syntax-only", opts->syntax_only,
      "do not check Task Resources against Lifeboat's (lint definitions written for AWS)");
  cmd->callback([opts, &ctx] { ctx.exit_code = run_validate(*opts, ctx.global); });
}

const bool kRegistered = register_command("workflow", &setup_workflow);

}  // namespace
}  // namespace lifeboat::cli

// lifeboat replication disable|enable --domain-name D --profile-name P [--kind K]
// lifeboat replication add-target --src-domain-name D --src-profile-name P [--src-kind K]
//                                 --target-domain-name D2 --target-profile-name P2 [--target-kind
//                                 K]
//
// The administrator's controls (the reference's update-replication-flag.py and
// add-replication-target.py). A flag change never starts a copy; add-target points a
// profile that does not exist yet (in any domain) at another's files.
#include <memory>
#include <string>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"

namespace lifeboat::cli {
namespace {

int run_set_flag(const KeyOptions& opts, bool enabled, const GlobalOptions& global) {
  auto key = resolve_key(opts);
  if (!key) return report_failure(key.status());
  auto access = open_cli_registry(global);
  if (!access) return report_failure(access.status());
  auto profile = (*access)->registry->set_replication(*key, enabled);
  if (!profile) return report_failure(profile.status());
  if (!global.quiet || want_json(global)) print_profiles(global, {*profile}, true);
  return 0;
}

struct AddTargetOptions {
  KeyOptions source;
  KeyOptions target;
};

int run_add_target(const AddTargetOptions& opts, const GlobalOptions& global) {
  auto source = resolve_key(opts.source, "src-");
  if (!source) return report_failure(source.status());
  auto target = resolve_key(opts.target, "target-");
  if (!target) return report_failure(target.status());
  auto access = open_cli_registry(global);
  if (!access) return report_failure(access.status());
  auto profile = (*access)->registry->add_target(*source, *target);
  if (!profile) return report_failure(profile.status());
  if (!global.quiet || want_json(global)) print_profiles(global, {*profile}, true);
  return 0;
}

void setup_replication(CLI::App& app, CommandContext& ctx) {
  CLI::App& replication =
      command_group(app, "replication", "per-profile replication flag and replication targets");
  for (bool enabled : {false, true}) {
    auto key = std::make_shared<KeyOptions>();
    CLI::App* cmd = replication.add_subcommand(
        enabled ? "enable" : "disable",
        enabled ? "replicate this profile's old home when it is recreated (the default)"
                : "do not replicate into this profile when it is recreated");
    add_key_options(*cmd, *key);
    cmd->callback(
        [key, enabled, &ctx] { ctx.exit_code = run_set_flag(*key, enabled, ctx.global); });
  }
  auto opts = std::make_shared<AddTargetOptions>();
  CLI::App* add = replication.add_subcommand(
      "add-target",
      "when the target profile (any domain, not created yet) is created, copy the source "
      "profile's home into it");
  add_key_options(*add, opts->source, "src-");
  add_key_options(*add, opts->target, "target-");
  add->callback([opts, &ctx] { ctx.exit_code = run_add_target(*opts, ctx.global); });
}

const bool kRegistered = register_command("replication", &setup_replication);

}  // namespace
}  // namespace lifeboat::cli

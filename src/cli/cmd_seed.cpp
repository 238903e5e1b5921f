// lifeboat seed --platform sagemaker [--region R] [--endpoint-url URL] [--profile P]
//               [--domain ID|NAME]… [--dry-run] [--config FILE]
//
// Records what a platform has now — every domain, user profile and space with its home —
// for domains that existed before Lifeboat (the reference design's seed table). One
// history row per thing recorded, under an event id starting "seed:"; no recovery starts
// (sync/reconciler.h). A profile the registry knows but the platform no longer lists is
// marked deleted, its home kept as the backup pointer. Run again, it changes nothing.
// `--config` reads the [platform] table and the store of the daemon's config; flags win.
// Prints what it recorded as a table, or JSON with --output json.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "platform/platform_settings.h"
#include "registry/registry.h"
#include "server/server_config.h"
#include "store/open_store.h"
#include "sync/reconciler.h"

namespace lifeboat::cli {
namespace {

struct SeedOptions {
  std::string config_file;
  std::string platform;
  std::string region;
  std::string endpoint_url;
  std::string profile;
  std::vector<std::string> domains;
  bool dry_run = false;
};

core::Result<int> seed(const SeedOptions& o, const GlobalOptions& global) {
  server::ServerConfig config;
  if (!o.config_file.empty()) {
    LIFEBOAT_ASSIGN_OR_RETURN(config, server::load_server_config(o.config_file));
  }
  platform::PlatformSettings& settings = config.platform;
  if (!o.platform.empty()) settings.kind = o.platform;
  if (!o.region.empty()) settings.region = o.region;
  if (!o.endpoint_url.empty()) settings.endpoint_url = o.endpoint_url;
  if (!o.profile.empty()) settings.profile = o.profile;
  if (!o.domains.empty()) settings.domains = o.domains;
  if (!settings.is_sagemaker()) {
    return core::Status::invalid_argument(
        "seed lists a platform's domains and profiles, and the platform is 'local' (its events "
        "carry the homes; there is nothing to list): give --platform sagemaker, or kind = "
        "\"sagemaker\" in the [platform] table of --config");
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto catalog, platform::open_catalog(settings));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string url, serve_store_url(config, global));
  LIFEBOAT_ASSIGN_OR_RETURN(auto store, store::open_store(url));
  platform::LocalPlatformDirectory naming;
  registry::Registry registry(*store, naming, core::SystemClock::instance(),
                              registry::EventPolicy{.allow_root_owner = config.allow_root_owner});
  sync::Reconciler reconciler(*catalog, *store, registry, core::SystemClock::instance(),
                              {sync::SyncMode::kSeed, settings.domains, o.dry_run});
  LIFEBOAT_ASSIGN_OR_RETURN(sync::SyncReport report, reconciler.run());

  int refused = 0;
  for (const auto& item : report.items) refused += item.outcome == "refused" ? 1 : 0;
  if (want_json(global)) {
    core::Json out = sync::sync_report_to_json(report);
    out["dry_run"] = o.dry_run;
    print_json(out);
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : report.items) {
      rows.push_back({i.what, i.domain_id, i.domain_name, i.name.empty() ? "-" : i.name,
                      i.home.empty() ? "-" : i.home, i.action, i.outcome.empty() ? "-" : i.outcome,
                      i.message});
    }
    print_table({"TYPE", "DOMAIN_ID", "DOMAIN", "NAME", "HOME", "ACTION", "OUTCOME", "MESSAGE"},
                rows);
    std::printf("%s%d domain(s) and %d profile(s) listed, %d described%s\n",
                o.dry_run ? "dry run: " : "", report.domains_listed, report.profiles_listed,
                report.describes, o.dry_run ? "; nothing was written" : "");
  }
  if (refused > 0) {
    print_error(
        fmt::format("{} item(s) were refused by the registry; see their messages", refused));
    return 1;
  }
  return 0;
}

void setup_seed(CLI::App& app, CommandContext& ctx) {
  auto opts = std::make_shared<SeedOptions>();
  auto* cmd = app.add_subcommand(
      "seed",
      "record every domain, user profile and space a platform has now, with its home "
      "(for domains that existed before Lifeboat); starts no recovery");
  cmd->add_option("--config", opts->config_file,
                  "the daemon's TOML config: its [platform] table and its store");
  cmd->add_option("--platform", opts->platform, "the platform to list: sagemaker")
      ->check(CLI::IsMember({"sagemaker", "local"}));
  cmd->add_option("--region", opts->region, "AWS region (default: AWS_REGION, the profile's)");
  cmd->add_option("--endpoint-url", opts->endpoint_url,
                  "SageMaker API endpoint (default: https://api.sagemaker.<region>.amazonaws.com)");
  cmd->add_option("--profile", opts->profile, "AWS shared-config profile (default: AWS_PROFILE)");
  cmd->add_option("--domain", opts->domains,
                  "a domain id or name to seed (repeatable; default all)");
  cmd->add_flag("--dry-run", opts->dry_run, "ask the platform and print the plan; write nothing");
  cmd->callback([opts, &ctx] {
    auto rc = seed(*opts, ctx.global);
    ctx.exit_code = rc.is_ok() ? *rc : report_failure(rc.status());
  });
}

const bool kRegistered = register_command("seed", &setup_seed);

}  // namespace
}  // namespace lifeboat::cli

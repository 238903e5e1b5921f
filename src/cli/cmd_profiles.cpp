// lifeboat profiles list [--domain-name D] | show --domain-name D --profile-name P [--kind K]
//
// The registry's current row per profile: home location, replication flag, pending
// source, last replication. `show` exits 3 when the profile is unknown.
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"

namespace lifeboat::cli {
namespace {

int run_list(const std::string& domain_name, const GlobalOptions& global) {
  std::vector<core::Profile> profiles;
  store::ProfileFilter filter;
  if (!domain_name.empty()) filter.domain_name = domain_name;
  int rc = read_cli_store(global, [&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(profiles, t.list_profiles(filter));
    return core::Status::ok();
  });
  if (rc != 0) return rc;
  print_profiles(global, profiles);
  return 0;
}

int run_show(const KeyOptions& opts, const GlobalOptions& global) {
  auto key = resolve_key(opts);
  if (!key) return report_failure(key.status());
  std::optional<core::Profile> profile;
  int rc = read_cli_store(global, [&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(profile, t.get_profile(*key));
    return core::Status::ok();
  });
  if (rc != 0) return rc;
  if (!profile) {
    return report_failure(core::Status::not_found(
        fmt::format("profile {} is unknown; check `lifeboat profiles list`", key->to_string())));
  }
  if (want_json(global)) {
    print_json(core::profile_to_json(*profile));
    return 0;
  }
  // One profile reads best as field/value pairs, with the same names as the JSON.
  std::vector<std::vector<std::string>> rows;
  const core::Json image = core::profile_to_json(*profile);
  for (const auto& [field, value] : image.items()) {
    rows.push_back({field, value.is_string() ? value.get<std::string>()
                           : value.is_null() ? std::string("-")
                                             : value.dump()});
  }
  print_table({"FIELD", "VALUE"}, rows);
  return 0;
}

void setup_profiles(CLI::App& app, CommandContext& ctx) {
  CLI::App& profiles =
      command_group(app, "profiles", "user profiles and spaces: homes, flags, last replication");
  auto domain = std::make_shared<std::string>();
  CLI::App* list = profiles.add_subcommand("list", "list profiles");
  list->add_option("--domain-name", *domain, "only profiles of this domain");
  list->callback([domain, &ctx] { ctx.exit_code = run_list(*domain, ctx.global); });
  auto key = std::make_shared<KeyOptions>();
  CLI::App* show = profiles.add_subcommand("show", "show one profile (exit 3 if unknown)");
  add_key_options(*show, *key);
  show->callback([key, &ctx] { ctx.exit_code = run_show(*key, ctx.global); });
}

const bool kRegistered = register_command("profiles", &setup_profiles);

}  // namespace
}  // namespace lifeboat::cli

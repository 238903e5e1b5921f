// lifeboat profiles list [--domain-name D] [--kind K] [--status S] [--replication on|off]
//                        [--prefix P] [--sort name|-name|updated|-updated] [--limit N]
//                        [--cursor C]
//               | show --domain-name D --profile-name P [--kind K]
//
// The registry's current row per profile: home location, replication flag, pending
// source, last replication. `show` exits 3 when the profile is unknown.
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/list_pages.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "store/read_page.h"

namespace lifeboat::cli {
namespace {

int run_list(const ListOptions& opts, const GlobalOptions& global) {
  auto query = server::profile_query_from_params(opts.params);
  if (!query) return report_failure(query.status());
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  ListFormat<core::Profile> format{profile_headers(), &profile_row, &core::profile_to_json};
  return print_pages<core::Profile>(global, opts, format, [&](const store::PageRequest& page) {
    return store::read_page<core::Profile>(
        **store, [&](store::StoreTransaction& t) { return t.list_profiles_page(*query, page); });
  });
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
  auto opts = std::make_shared<ListOptions>();
  CLI::App* list = profiles.add_subcommand("list", "list profiles (by name; see --sort)");
  add_list_option(*list, *opts, "domain-name", "domain", "only profiles of this domain");
  add_list_option(*list, *opts, "kind", "kind", "only 'user' or 'space' ones");
  add_list_option(*list, *opts, "status", "status", "only 'active', 'deleted' or 'pending' ones");
  add_list_option(*list, *opts, "replication", "replication", "only those with it 'on' or 'off'");
  add_list_option(*list, *opts, "prefix", "prefix", "only names starting with these characters");
  add_list_option(*list, *opts, "sort", "sort", "name (default), -name, updated or -updated");
  add_page_options(*list, *opts);
  list->callback([opts, &ctx] { ctx.exit_code = run_list(*opts, ctx.global); });
  auto key = std::make_shared<KeyOptions>();
  CLI::App* show = profiles.add_subcommand("show", "show one profile (exit 3 if unknown)");
  add_key_options(*show, *key);
  show->callback([key, &ctx] { ctx.exit_code = run_show(*key, ctx.global); });
}

const bool kRegistered = register_command("profiles", &setup_profiles);

}  // namespace
}  // namespace lifeboat::cli

// lifeboat domains list — the domains the registry has seen, with their home volumes.
#include <string>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"

namespace lifeboat::cli {
namespace {

int run_domains_list(const GlobalOptions& global) {
  std::vector<core::Domain> domains;
  int rc = read_cli_store(global, [&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(domains, t.list_domains());
    return core::Status::ok();
  });
  if (rc != 0) return rc;
  if (want_json(global)) {
    core::Json arr = core::Json::array();
    for (const auto& d : domains) arr.push_back(core::domain_to_json(d));
    print_json(arr);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : domains) {
    rows.push_back({d.id, d.name, d.home_volume_id.empty() ? "-" : d.home_volume_id,
                    std::string(core::domain_status_name(d.status)), d.last_event_time});
  }
  print_table({"DOMAIN_ID", "NAME", "HOME_VOLUME", "STATUS", "LAST_EVENT"}, rows);
  return 0;
}

void setup_domains(CLI::App& app, CommandContext& ctx) {
  CLI::App& domains = command_group(app, "domains", "domains the registry has seen");
  CLI::App* list = domains.add_subcommand("list", "list domains");
  list->callback([&ctx] { ctx.exit_code = run_domains_list(ctx.global); });
}

const bool kRegistered = register_command("domains", &setup_domains);

}  // namespace
}  // namespace lifeboat::cli

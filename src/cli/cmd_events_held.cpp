// lifeboat events held — the platform events the daemon holds until the platform says
// where their home is (sync/event_enricher.h): a SageMaker profile that is not InService
// yet, an API call that failed. One row each: when it is asked about next, how many times
// it was, why it is still held, and when it will be given up.
#include <string>
#include <vector>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "store/held_events.h"

namespace lifeboat::cli {
namespace {

int run_events_held(const GlobalOptions& global) {
  std::vector<store::HeldEvent> held;
  int rc = read_cli_store(global, [&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(held, t.list_held_events(store::kMaxHeldEventsListed));
    return core::Status::ok();
  });
  if (rc != 0) return rc;
  if (want_json(global)) {
    core::Json arr = core::Json::array();
    for (const auto& h : held) arr.push_back(store::held_event_to_json(h));
    print_json(arr);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& h : held) {
    const core::Json& e = h.event;
    const std::string what = e.value("profile_name", "").empty()
                                 ? e.value("domain_id", "")
                                 : e.value("domain_id", "") + "/" + e.value("profile_name", "");
    rows.push_back({h.event_id, e.value("type", ""), what, h.next_attempt_at,
                    std::to_string(h.attempts), h.deadline,
                    h.last_error.empty() ? "-" : h.last_error});
  }
  print_table({"EVENT_ID", "TYPE", "WHAT", "NEXT_ATTEMPT", "ATTEMPTS", "GIVEN_UP_AT", "WHY"}, rows);
  return 0;
}

void setup_events_held(CLI::App& app, CommandContext& ctx) {
  CLI::App& events =
      command_group(app, "events", "ingest platform events and test EventBridge event patterns");
  CLI::App* cmd = events.add_subcommand(
      "held", "list events held until the platform says where the profile's home is");
  cmd->callback([&ctx] { ctx.exit_code = run_events_held(ctx.global); });
}

const bool kRegistered = register_command("events held", &setup_events_held);

}  // namespace
}  // namespace lifeboat::cli

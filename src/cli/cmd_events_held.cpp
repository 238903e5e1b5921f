// lifeboat events held — the platform events the daemon holds until the platform says
// where their home is (sync/event_enricher.h): a SageMaker profile that is not InService
// yet, an API call that failed. One row each: when it is asked about next, how many times
// it was, why it is still held, and when it will be given up.
#include <memory>
#include <string>
#include <vector>

#include "cli/command_registry.h"
#include "cli/list_pages.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "store/held_events.h"
#include "store/read_page.h"

namespace lifeboat::cli {
namespace {

std::vector<std::string> held_row(const store::HeldEvent& h) {
  const core::Json& e = h.event;
  const std::string what = e.value("profile_name", "").empty()
                               ? e.value("domain_id", "")
                               : e.value("domain_id", "") + "/" + e.value("profile_name", "");
  return {h.event_id,
          e.value("type", ""),
          what,
          h.next_attempt_at,
          std::to_string(h.attempts),
          h.deadline,
          h.last_error.empty() ? "-" : h.last_error};
}

int run_events_held(const ListOptions& opts, const GlobalOptions& global) {
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  ListFormat<store::HeldEvent> format{
      {"EVENT_ID", "TYPE", "WHAT", "NEXT_ATTEMPT", "ATTEMPTS", "GIVEN_UP_AT", "WHY"},
      &held_row,
      &store::held_event_to_json};
  return print_pages<store::HeldEvent>(global, opts, format, [&](const store::PageRequest& page) {
    return store::read_page<store::HeldEvent>(
        **store, [&](store::StoreTransaction& t) { return t.list_held_events_page(page); });
  });
}

void setup_events_held(CLI::App& app, CommandContext& ctx) {
  CLI::App& events =
      command_group(app, "events", "ingest platform events and test EventBridge event patterns");
  CLI::App* cmd = events.add_subcommand(
      "held", "list events held until the platform says where the profile's home is");
  auto opts = std::make_shared<ListOptions>();
  add_page_options(*cmd, *opts);
  cmd->callback([opts, &ctx] { ctx.exit_code = run_events_held(*opts, ctx.global); });
}

const bool kRegistered = register_command("events held", &setup_events_held);

}  // namespace
}  // namespace lifeboat::cli

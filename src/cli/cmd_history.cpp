// lifeboat history --domain-name D --profile-name P [--kind user|space]
//
// Every event and administrative action recorded for one profile, oldest first,
// including stale events (outcome "stale"). Exit 3 when nothing was ever recorded.
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"

namespace lifeboat::cli {
namespace {

int run_history(const KeyOptions& opts, const GlobalOptions& global) {
  auto key = resolve_key(opts);
  if (!key) return report_failure(key.status());
  std::vector<store::HistoryEntry> entries;
  int rc = read_cli_store(global, [&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(entries, t.list_history(*key));
    return core::Status::ok();
  });
  if (rc != 0) return rc;
  if (entries.empty()) {
    return report_failure(core::Status::not_found(fmt::format(
        "no history for profile {}; check `lifeboat profiles list`", key->to_string())));
  }
  if (want_json(global)) {
    core::Json arr = core::Json::array();
    for (const auto& e : entries) arr.push_back(store::history_entry_to_json(e));
    print_json(arr);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    std::string home = "-";
    if (e.detail.contains("efs_uid") && e.detail["efs_uid"].is_string()) {
      home = fmt::format("{}/{}", e.detail.value("efs_sys_id", ""),
                         e.detail["efs_uid"].get<std::string>());
    }
    rows.push_back(
        {std::to_string(e.seq), e.event_time, e.event_type, e.outcome, e.event_id, home});
  }
  print_table({"SEQ", "EVENT_TIME", "TYPE", "OUTCOME", "EVENT_ID", "HOME"}, rows);
  return 0;
}

void setup_history(CLI::App& app, CommandContext& ctx) {
  auto key = std::make_shared<KeyOptions>();
  CLI::App* cmd = app.add_subcommand("history", "events and actions recorded for one profile");
  add_key_options(*cmd, *key);
  cmd->callback([key, &ctx] { ctx.exit_code = run_history(*key, ctx.global); });
}

const bool kRegistered = register_command("history", &setup_history);

}  // namespace
}  // namespace lifeboat::cli

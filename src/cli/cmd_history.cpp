// lifeboat history --domain-name D --profile-name P [--kind user|space] [--sort seq|-seq]
//                  [--limit N] [--cursor C]
//
// Every event and administrative action recorded for one profile, oldest first (--sort
// -seq: newest first), including stale events (outcome "stale"), a page at a time
// (cli/list_pages.h). Exit 3 when nothing was ever recorded.
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

std::vector<std::string> history_row(const store::HistoryEntry& e) {
  std::string home = "-";
  if (e.detail.contains("efs_uid") && e.detail["efs_uid"].is_string()) {
    home = fmt::format("{}/{}", e.detail.value("efs_sys_id", ""),
                       e.detail["efs_uid"].get<std::string>());
  }
  return {std::to_string(e.seq), e.event_time, e.event_type, e.outcome, e.event_id, home};
}

int run_history(const KeyOptions& key_opts, const ListOptions& opts, const GlobalOptions& global) {
  auto key = resolve_key(key_opts);
  if (!key) return report_failure(key.status());
  auto sort = server::history_sort_from_params(opts.params, store::HistorySort::kOldestFirst);
  if (!sort) return report_failure(sort.status());
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  ListFormat<store::HistoryEntry> format{
      {"SEQ", "EVENT_TIME", "TYPE", "OUTCOME", "EVENT_ID", "HOME"},
      &history_row,
      &store::history_entry_to_json};
  return print_pages<store::HistoryEntry>(
      global, opts, format,
      [&](const store::PageRequest& page) {
        return store::read_page<store::HistoryEntry>(**store, [&](store::StoreTransaction& t) {
          return t.list_history_page(*key, *sort, page);
        });
      },
      [&](const store::Page<store::HistoryEntry>& first) {
        if (!first.items.empty() || opts.params.count("cursor") != 0) return 0;
        return report_failure(core::Status::not_found(fmt::format(
            "no history for profile {}; check `lifeboat profiles list`", key->to_string())));
      });
}

void setup_history(CLI::App& app, CommandContext& ctx) {
  auto key = std::make_shared<KeyOptions>();
  auto opts = std::make_shared<ListOptions>();
  CLI::App* cmd = app.add_subcommand("history", "events and actions recorded for one profile");
  add_key_options(*cmd, *key);
  add_list_option(*cmd, *opts, "sort", "sort", "seq (oldest first, the default) or -seq");
  add_page_options(*cmd, *opts);
  cmd->callback([key, opts, &ctx] { ctx.exit_code = run_history(*key, *opts, ctx.global); });
}

const bool kRegistered = register_command("history", &setup_history);

}  // namespace
}  // namespace lifeboat::cli

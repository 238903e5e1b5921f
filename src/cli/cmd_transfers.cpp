// lifeboat transfers list [--status SUCCESS|PARTIAL|ERROR] [--domain-name D] [--limit N]
//                         [--cursor C]
// Recorded replication results, newest first (the reference design's DataSync
// task-execution history), a page at a time (cli/list_pages.h).
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/list_pages.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "store/read_page.h"
#include "store/transfer_log.h"

namespace lifeboat::cli {
namespace {

std::vector<std::string> transfer_row(const store::TransferRecord& t) {
  return {t.recorded_at,
          t.key.to_string(),
          t.result.status,
          std::to_string(t.result.files_transferred),
          std::to_string(t.result.bytes_written),
          std::to_string(t.result.duration_ms),
          t.result.execution_id};
}

int run_transfers_list(const ListOptions& opts, const GlobalOptions& global) {
  auto query = server::transfer_query_from_params(opts.params);
  if (!query) return report_failure(query.status());
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  ListFormat<store::TransferRecord> format{
      {"RECORDED", "PROFILE", "STATUS", "FILES", "BYTES_WRITTEN", "DURATION_MS", "EXECUTION"},
      &transfer_row,
      &store::transfer_to_json};
  return print_pages<store::TransferRecord>(
      global, opts, format, [&](const store::PageRequest& page) {
        return store::read_page<store::TransferRecord>(**store, [&](store::StoreTransaction& t) {
          return t.list_transfers_page(*query, page);
        });
      });
}

void setup_transfers(CLI::App& app, CommandContext& ctx) {
  CLI::App& group = command_group(app, "transfers", "recorded replication results");
  CLI::App* list = group.add_subcommand("list", "list transfers, newest first");
  auto opts = std::make_shared<ListOptions>();
  add_list_option(*list, *opts, "status", "status", "only SUCCESS, PARTIAL or ERROR ones");
  add_list_option(*list, *opts, "domain-name", "domain", "only profiles of this domain");
  add_page_options(*list, *opts);
  list->callback([&ctx, opts] { ctx.exit_code = run_transfers_list(*opts, ctx.global); });
}

const bool kRegistered = register_command("transfers", &setup_transfers);

}  // namespace
}  // namespace lifeboat::cli

// lifeboat transfers list — recorded replication results, newest first (the reference
// design's DataSync task-execution history).
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "store/transfer_log.h"

namespace lifeboat::cli {
namespace {

int run_transfers_list(const GlobalOptions& global, std::int64_t limit) {
  std::vector<store::TransferRecord> transfers;
  int rc = read_cli_store(global, [&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(transfers, t.list_transfers(limit));
    return core::Status::ok();
  });
  if (rc != 0) return rc;
  if (want_json(global)) {
    core::Json arr = core::Json::array();
    for (const auto& t : transfers) arr.push_back(store::transfer_to_json(t));
    print_json(arr);
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : transfers) {
    rows.push_back({t.recorded_at, t.key.to_string(), t.result.status,
                    std::to_string(t.result.files_transferred),
                    std::to_string(t.result.bytes_written), std::to_string(t.result.duration_ms),
                    t.result.execution_id});
  }
  print_table(
      {"RECORDED", "PROFILE", "STATUS", "FILES", "BYTES_WRITTEN", "DURATION_MS", "EXECUTION"},
      rows);
  return 0;
}

void setup_transfers(CLI::App& app, CommandContext& ctx) {
  CLI::App& group = command_group(app, "transfers", "recorded replication results");
  CLI::App* list = group.add_subcommand("list", "list transfers, newest first");
  auto limit = std::make_shared<std::int64_t>(100);
  list->add_option("--limit", *limit, "at most this many (default 100)")
      ->check(CLI::PositiveNumber);
  list->callback([&ctx, limit] { ctx.exit_code = run_transfers_list(ctx.global, *limit); });
}

const bool kRegistered = register_command("transfers", &setup_transfers);

}  // namespace
}  // namespace lifeboat::cli

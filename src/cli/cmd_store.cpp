// lifeboat store copy --from URL --to URL — moves a whole store into a new, empty one
// (e.g. SQLite to PostgreSQL) in one transaction (store/store_copy.h).
// lifeboat store status — schema version and rows per table of the store in use.
#include <sys/stat.h>

#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "core/clock.h"
#include "core/time_format.h"
#include "store/open_store.h"
#include "store/store_copy.h"
#include "store/store_status.h"

namespace lifeboat::cli {
namespace {

// Opening a SQLite URL creates the file: for the source that would turn a typo into a
// copy of nothing, so a source must exist.
core::Result<std::unique_ptr<store::Store>> open_source(const std::string& url) {
  const std::string path = store::sqlite_path_of(url);
  struct stat st {};
  if (!path.empty() && path.front() == '/' && ::stat(path.c_str(), &st) != 0) {
    return core::Status::not_found(
        fmt::format("the source store {} does not exist; check --from", url));
  }
  return store::open_store(url);
}

int run_store_copy(const GlobalOptions& global, const std::string& from_url,
                   const std::string& to_url) {
  auto from = open_source(from_url);
  if (!from) return report_failure(from.status().with_context("--from"));
  auto to = store::open_store(to_url);
  if (!to) return report_failure(to.status().with_context("--to"));
  auto copied = store::copy_store(**from, **to);
  if (!copied) return report_failure(copied.status());
  if (want_json(global)) {
    core::Json tables = core::Json::object();
    for (const auto& t : copied->tables) tables[t.table] = t.rows;
    print_json({{"from", (*from)->url()},
                {"to", (*to)->url()},
                {"tables", tables},
                {"total_rows", copied->total_rows()}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : copied->tables) rows.push_back({t.table, std::to_string(t.rows)});
  rows.push_back({"total", std::to_string(copied->total_rows())});
  print_table({"TABLE", "ROWS_COPIED"}, rows);
  return 0;
}

int run_store_status(const GlobalOptions& global) {
  auto opened = open_cli_store(global);
  if (!opened) return report_failure(opened.status());
  auto status = store::store_status(**opened, core::SystemClock::instance().now());
  if (!status) return report_failure(status.status());
  if (want_json(global)) {
    print_json(store::store_status_to_json(*status));
    return 0;
  }
  fmt::print("store:          {}\nschema version: {} (this lifeboat knows up to {})\n\n",
             status->url, status->schema_version, status->latest_version);
  std::vector<std::vector<std::string>> rows;
  for (const auto& [table, n] : status->table_rows) rows.push_back({table, std::to_string(n)});
  print_table({"TABLE", "ROWS"}, rows);
  std::vector<std::vector<std::string>> named;
  for (const auto& l : status->named_leases) {
    named.push_back({l.name, l.owner, std::to_string(l.token), core::format_rfc3339(l.expires_at),
                     l.expires_at <= status->now ? "expired" : "held"});
  }
  fmt::print("\nnamed leases:\n");
  print_table({"NAME", "OWNER", "TOKEN", "EXPIRES", "STATE"}, named);
  std::vector<std::vector<std::string>> held;
  for (const auto& l : status->execution_leases) {
    held.push_back({l.execution_id, l.owner, std::to_string(l.token),
                    core::format_rfc3339(l.expires_at), l.copy_volume});
  }
  fmt::print("\nexecution leases held: {}\n", held.size());
  print_table({"EXECUTION", "OWNER", "TOKEN", "EXPIRES", "COPYING INTO"}, held);
  return 0;
}

void setup_store(CLI::App& app, CommandContext& ctx) {
  CLI::App& group = command_group(app, "store", "the store: copy it elsewhere, show its state");

  CLI::App* copy =
      group.add_subcommand("copy", "copy a whole store into a new, empty store in one transaction");
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  copy->add_option("--from", *from, "the store to read: sqlite:///path.db")->required();
  copy->add_option("--to", *to, "the empty store to fill (created and migrated if absent)")
      ->required();
  copy->callback([&ctx, from, to] { ctx.exit_code = run_store_copy(ctx.global, *from, *to); });

  CLI::App* status = group.add_subcommand(
      "status", "schema version and rows per table of the store (--store / --data-dir)");
  status->callback([&ctx] { ctx.exit_code = run_store_status(ctx.global); });
}

const bool kRegistered = register_command("store", &setup_store);

}  // namespace
}  // namespace lifeboat::cli

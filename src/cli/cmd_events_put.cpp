// lifeboat events put [FILE|-]
//
// Applies platform events (ingest/event_envelope.h: CloudTrail via EventBridge, or CloudEvents
// 1.0; one event or a JSON array) to the registry, each in its own transaction, and prints
// per event: applied, duplicate, stale or refused. Exit 2 if any was refused (the others
// are still applied), 4 if the store failed (events before it stay applied).
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "core/file_text.h"
#include "ingest/event_envelope.h"

namespace lifeboat::cli {
namespace {

core::Result<std::string> read_input(const std::string& file) {
  std::ostringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
    if (std::cin.bad()) return core::Status::io_error("cannot read events from standard input");
    return text.str();
  }
  return core::read_file_text(file, "events file");
}

struct Row {
  std::size_t index;
  std::string event_id;
  std::string event_type;
  std::string profile;
  std::string outcome;
  std::string message;
};

int run_events_put(const std::string& file, const GlobalOptions& global) {
  auto text = read_input(file);
  if (!text) return report_failure(text.status());
  auto parsed = ingest::parse_envelopes(
      *text, file == "-" ? std::string("standard input") : fmt::format("events file '{}'", file));
  if (!parsed) return report_failure(parsed.status());
  auto access = open_cli_registry(global);
  if (!access) return report_failure(access.status());

  std::vector<Row> rows;
  bool refused = false;
  core::Status fault;
  for (const ingest::ParsedEnvelope& p : *parsed) {
    Row row{p.index, p.id, p.type, "", "refused", p.status.message()};
    if (p.event) {
      const core::ProfileEvent& e = *p.event;
      row.event_type = std::string(core::event_type_name(e.type));
      row.profile =
          e.is_domain_event()
              ? e.domain_id
              : fmt::format("{}/{}/{}", e.domain_name.empty() ? e.domain_id : e.domain_name,
                            core::profile_kind_name(e.kind()), e.profile_name);
      auto applied = (*access)->registry->apply(e);
      if (!applied) {
        fault = applied.status();
        break;
      }
      row.outcome = std::string(registry::apply_outcome_name(applied->outcome));
      row.message = applied->message;
    }
    if (row.outcome == "refused") refused = true;
    rows.push_back(std::move(row));
  }

  if (want_json(global)) {
    core::Json out = core::Json::array();
    for (const Row& r : rows) {
      out.push_back({{"index", r.index},
                     {"event_id", r.event_id},
                     {"event_type", r.event_type},
                     {"profile", r.profile},
                     {"outcome", r.outcome},
                     {"message", r.message}});
    }
    print_json(out);
  } else if (!global.quiet || refused) {
    std::vector<std::vector<std::string>> table;
    for (const Row& r : rows) {
      table.push_back({std::to_string(r.index), r.event_id.empty() ? "-" : r.event_id,
                       r.event_type.empty() ? "-" : r.event_type,
                       r.profile.empty() ? "-" : r.profile, r.outcome, r.message});
    }
    print_table({"#", "EVENT_ID", "TYPE", "PROFILE", "OUTCOME", "DETAIL"}, table);
  }
  if (!fault.is_ok()) return report_failure(fault);
  return refused ? 2 : 0;
}

void setup_events_put(CLI::App& app, CommandContext& ctx) {
  CLI::App& events =
      command_group(app, "events", "ingest platform events and test EventBridge event patterns");
  auto file = std::make_shared<std::string>("-");
  CLI::App* cmd = events.add_subcommand(
      "put",
      "apply platform events (CloudTrail via EventBridge or CloudEvents 1.0; one or an array) "
      "to the registry; prints applied/duplicate/stale/refused per event; exit 2 if any refused");
  cmd->add_option("file", *file, "JSON file of events, or - for standard input (default)");
  cmd->callback([file, &ctx] { ctx.exit_code = run_events_put(*file, ctx.global); });
}

const bool kRegistered = register_command("events put", &setup_events_put);

}  // namespace
}  // namespace lifeboat::cli

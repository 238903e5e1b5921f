// lifeboat events test-pattern --pattern P --event E
//
// Like EventBridge's TestEventPattern: prints `true` (exit 0) when the event matches the
// pattern, `false` (exit 1) when it does not, and exits 2 with the reason when the pattern is
// invalid, the event is not a JSON object, or an @FILE cannot be read.
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "core/file_text.h"
#include "core/json.h"
#include "ingest/event_pattern.h"

namespace lifeboat::cli {
namespace {

struct TestPatternOptions {
  std::string pattern;
  std::string event;
};

// The text of an argument: itself, or the contents of FILE for "@FILE".
core::Result<std::string> argument_text(const std::string& arg, std::string_view what) {
  if (arg.empty() || arg[0] != '@') return arg;
  return core::read_file_text(arg.substr(1), fmt::format("{} file", what));
}

int run_test_pattern(const TestPatternOptions& opts) {
  auto fail = [](const core::Status& st) {
    print_error(st.message());
    return 2;
  };
  auto pattern_text = argument_text(opts.pattern, "pattern");
  if (!pattern_text) return fail(pattern_text.status());
  auto event_text = argument_text(opts.event, "event");
  if (!event_text) return fail(event_text.status());

  auto pattern = ingest::EventPattern::compile_text(*pattern_text);
  if (!pattern) return fail(pattern.status());
  auto event = core::parse_json(*event_text, "event");
  if (!event) return fail(event.status());
  if (!event->is_object()) {
    return fail(core::Status::invalid_argument(
        fmt::format("the event must be a JSON object, not {}", event->type_name())));
  }
  const bool hit = pattern->matches(*event);
  std::fputs(hit ? "true\n" : "false\n", stdout);
  return hit ? 0 : 1;
}

void setup_events_test_pattern(CLI::App& app, CommandContext& ctx) {
  CLI::App& events =
      command_group(app, "events", "ingest platform events and test EventBridge event patterns");
  auto opts = std::make_shared<TestPatternOptions>();
  CLI::App* cmd = events.add_subcommand(
      "test-pattern",
      "test an EventBridge event pattern against an event: prints true (exit 0) or false "
      "(exit 1); exit 2 for an invalid pattern or event");
  cmd->add_option("--pattern", opts->pattern, "the event pattern as JSON text, or @FILE")
      ->required();
  cmd->add_option("--event", opts->event, "the event as JSON text (an object), or @FILE")
      ->required();
  cmd->callback([opts, &ctx] { ctx.exit_code = run_test_pattern(*opts); });
}

const bool kRegistered = register_command("events test-pattern", &setup_events_test_pattern);

}  // namespace
}  // namespace lifeboat::cli

#include "cli/command_registry.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace lifeboat::cli {
namespace {

std::vector<std::pair<std::string, CommandSetup>>& registry() {
  static std::vector<std::pair<std::string, CommandSetup>> commands;
  return commands;
}

}  // namespace

bool register_command(const std::string& name, CommandSetup setup) {
  registry().emplace_back(name, setup);
  return true;
}

void setup_all_commands(CLI::App& app, CommandContext& ctx) {
  auto commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [name, setup] : commands) setup(app, ctx);
}

CLI::App& command_group(CLI::App& app, const std::string& name, const std::string& description) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return *sub;
  }
  CLI::App* group = app.add_subcommand(name, description);
  group->require_subcommand(1);
  return *group;
}

}  // namespace lifeboat::cli

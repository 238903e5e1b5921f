// lifeboat doctor [--config FILE]: checks a deployment before the first real event
// (server/doctor.h) and prints one line per check; exit 0 only when every check passes.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command_registry.h"
#include "cli/store_access.h"
#include "server/doctor.h"
#include "server/server_config.h"

namespace lifeboat::cli {
namespace {

int run_doctor(const std::string& config_file, const GlobalOptions& global) {
  server::DoctorInputs inputs;
  inputs.config_path = config_file;
  if (config_file.empty()) {
    inputs.config = server::ServerConfig{};
  } else {
    auto loaded = server::load_server_config(config_file);
    if (loaded.is_ok()) {
      inputs.config = std::move(loaded).value();
    } else {
      inputs.config_error = loaded.status();
    }
  }
  if (inputs.config) {
    auto url = serve_store_url(*inputs.config, global);
    if (url.is_ok()) {
      inputs.store_url = *url;
    } else {
      inputs.store_url_error = url.status();
    }
  }
  bool all_ok = true;
  for (const auto& check : server::run_doctor(inputs)) {
    std::printf("%s\n", server::doctor_line(check).c_str());
    all_ok = all_ok && check.ok;
  }
  std::fflush(stdout);
  return all_ok ? 0 : 1;
}

void setup_doctor(CLI::App& app, CommandContext& ctx) {
  auto config_file = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "doctor",
      "check a deployment: config, store, volumes (write and chown), AWS credentials, "
      "SageMaker and each SQS queue; exit 0 only when all pass");
  cmd->add_option("--config", *config_file, "the TOML config file `serve` uses");
  cmd->callback([&ctx, config_file] { ctx.exit_code = run_doctor(*config_file, ctx.global); });
}

const bool kRegistered = register_command("doctor", &setup_doctor);

}  // namespace
}  // namespace lifeboat::cli

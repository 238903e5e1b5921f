// lifeboat volumes add ID PATH | list
//
// Registers where a home volume (an EFS id like fs-0abc, or `home`) is mounted on this
// host; `add` checks the path is a directory Lifeboat can read and enter.
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/store_access.h"
#include "core/profile_event.h"

namespace lifeboat::cli {
namespace {

struct VolumeAddOptions {
  std::string id;
  std::string path;
};

core::Status check_mount_path(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return core::Status::invalid_argument(
        fmt::format("PATH '{}' must be absolute (where the volume is mounted)", path));
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    return core::Status::invalid_argument(
        fmt::format("PATH '{}' is not a directory; mount the volume there first", path));
  }
  if (::access(path.c_str(), R_OK | X_OK) != 0) {
    return core::Status::from_errno(errno, fmt::format("cannot read volume path '{}'", path));
  }
  return core::Status::ok();
}

void print_volumes(const GlobalOptions& global, const std::vector<core::Volume>& volumes) {
  if (want_json(global)) {
    core::Json arr = core::Json::array();
    for (const auto& v : volumes) arr.push_back(core::volume_to_json(v));
    print_json(arr);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : volumes) rows.push_back({v.id, v.mount_path});
  print_table({"ID", "PATH"}, rows);
}

int run_add(const VolumeAddOptions& opts, const GlobalOptions& global) {
  core::Status valid = core::validate_name(opts.id, "ID");
  if (!valid) return report_failure(valid);
  core::Status mount = check_mount_path(opts.path);
  if (!mount) return report_failure(mount);
  auto store = open_cli_store(global);
  if (!store) return report_failure(store.status());
  std::string path = std::filesystem::path(opts.path).lexically_normal().string();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  core::Volume volume{opts.id, path};
  core::Status st =
      (*store)->transact([&](store::StoreTransaction& t) { return t.put_volume(volume); });
  if (!st) return report_failure(st);
  if (want_json(global)) {
    print_json(core::volume_to_json(volume));
  } else if (!global.quiet) {
    print_volumes(global, {volume});
  }
  return 0;
}

int run_list(const GlobalOptions& global) {
  std::vector<core::Volume> volumes;
  int rc = read_cli_store(global, [&](store::StoreTransaction& t) -> core::Status {
    LIFEBOAT_ASSIGN_OR_RETURN(volumes, t.list_volumes());
    return core::Status::ok();
  });
  if (rc != 0) return rc;
  print_volumes(global, volumes);
  return 0;
}

void setup_volumes(CLI::App& app, CommandContext& ctx) {
  CLI::App& volumes = command_group(app, "volumes", "home volumes and where they are mounted");
  auto opts = std::make_shared<VolumeAddOptions>();
  CLI::App* add = volumes.add_subcommand("add", "register volume ID as mounted at PATH");
  add->add_option("ID", opts->id, "volume id, e.g. fs-0abc1234 or home")->required();
  add->add_option("PATH", opts->path, "absolute path where the volume is mounted")->required();
  add->callback([opts, &ctx] { ctx.exit_code = run_add(*opts, ctx.global); });
  CLI::App* list = volumes.add_subcommand("list", "list registered volumes");
  list->callback([&ctx] { ctx.exit_code = run_list(ctx.global); });
}

const bool kRegistered = register_command("volumes", &setup_volumes);

}  // namespace
}  // namespace lifeboat::cli

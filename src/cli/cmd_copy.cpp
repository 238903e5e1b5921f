// `lifeboat copy SRC DST [options]`: the replication engine on its own (README "`lifeboat copy`").
// Exit codes: 0 SUCCESS, 1 PARTIAL, 2 usage error, 4 a fault that stopped the whole copy.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <stop_token>
#include <thread>

#include <fmt/format.h>

#include "cli/command_registry.h"
#include "cli/output.h"
#include "cli/progress_bar.h"
#include "fs/durable_write.h"
#include "fs/posix_file_system.h"
#include "transfer/copier.h"

namespace lifeboat::cli {
namespace {

struct CopyArgs {
  std::string source;
  std::string target;
  std::string transfer_mode = "changed";
  std::string overwrite = "always";
  bool delete_extraneous = false;
  std::string owner = "preserve";
  std::string group = "preserve";
  std::string perms = "preserve";
  bool devices = false;
  std::string verify = "transferred";
  std::vector<std::string> excludes;
  std::vector<std::string> includes;
  std::uint64_t bwlimit = 0;
  int parallel = 0;
  bool dry_run = false;
  bool fsync = false;
  bool temp_names = false;
  bool keep_setuid = false;
  std::string report_file;
  bool progress = false;
  std::string output;
};

core::Result<transfer::CopyOptions> to_options(const CopyArgs& a) {
  transfer::CopyOptions o;
  o.source = a.source;
  o.target = a.target;
  LIFEBOAT_ASSIGN_OR_RETURN(o.transfer_mode,
                            transfer::parse_transfer_mode(a.transfer_mode, "--transfer-mode"));
  LIFEBOAT_ASSIGN_OR_RETURN(o.overwrite,
                            transfer::parse_overwrite_mode(a.overwrite, "--overwrite"));
  LIFEBOAT_ASSIGN_OR_RETURN(o.verify, transfer::parse_verify_mode(a.verify, "--verify"));
  LIFEBOAT_ASSIGN_OR_RETURN(o.owner, transfer::IdMapping::parse(a.owner, false, "--owner"));
  LIFEBOAT_ASSIGN_OR_RETURN(o.group, transfer::IdMapping::parse(a.group, true, "--group"));
  o.delete_extraneous = a.delete_extraneous;
  o.preserve_perms = a.perms == "preserve";
  o.devices = a.devices;
  o.excludes = a.excludes;
  o.includes = a.includes;
  o.bwlimit = a.bwlimit;
  o.parallel = a.parallel;
  o.dry_run = a.dry_run;
  o.fsync = a.fsync;
  o.temp_names = a.temp_names;
  o.keep_setuid = a.keep_setuid;
  return o;
}

void print_human(const transfer::CopyReport& r) {
  std::vector<std::vector<std::string>> rows;
  const core::Json j = r.to_json();
  for (const char* key :
       {"status", "estimated_files_to_transfer", "estimated_bytes_to_transfer", "files_transferred",
        "bytes_transferred", "bytes_written", "files_skipped", "files_deleted", "files_verified",
        "files_failed", "prepare_duration_ms", "transfer_duration_ms", "verify_duration_ms",
        "total_duration_ms"}) {
    const core::Json& v = j[key];
    rows.push_back({key, v.is_string() ? v.get<std::string>() : v.dump()});
  }
  if (r.dry_run) rows.push_back({"dry_run", "true (nothing was changed)"});
  print_table({"field", "value"}, rows);
  if (!j["errors"].empty()) {
    std::puts("errors:");
    for (const auto& e : j["errors"]) {
      std::printf("  %s: %s\n", e["path"].get<std::string>().c_str(),
                  e["reason"].get<std::string>().c_str());
    }
  }
  if (!j["skipped"].empty()) {
    std::puts("skipped:");
    for (const auto& e : j["skipped"]) {
      std::printf("  %s: %s\n", e["path"].get<std::string>().c_str(),
                  e["reason"].get<std::string>().c_str());
    }
  }
}

int run(const CopyArgs& args, const GlobalOptions& global) {
  auto options = to_options(args);
  if (!options.is_ok()) {
    print_error(options.status().message());
    return 2;
  }
  // Ctrl-C / SIGTERM stop the copy at a safe point and still print what was done. The
  // signals are blocked in every thread and taken by one watcher; SIGUSR2 (sent by this
  // function when the copy is over) ends the watcher without a polling delay.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::stop_source stop;
  std::thread signal_watch([&] {
    for (;;) {
      int sig = sigwaitinfo(&signals, nullptr);
      if (sig == SIGUSR2) return;
      if (sig == SIGINT || sig == SIGTERM) stop.request_stop();
    }
  });

  bool show_progress = args.progress || (isatty(STDERR_FILENO) != 0 && !global.quiet);
  ProgressBar bar;
  transfer::ProgressCallback progress;
  if (show_progress) progress = [&bar](const transfer::CopyProgress& p) { bar.update(p); };
  auto report =
      transfer::run_copy(fs::PosixFileSystem::instance(), *options, progress, stop.get_token());
  pthread_kill(signal_watch.native_handle(), SIGUSR2);
  signal_watch.join();
  sigdelset(&signals, SIGUSR2);
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  if (!report.is_ok()) {
    print_error(report.status().message());
    switch (report.status().code()) {
      case core::StatusCode::kInvalidArgument:
      case core::StatusCode::kNotFound:
      case core::StatusCode::kFailedPrecondition:
      case core::StatusCode::kAlreadyExists:
        return 2;
      default:
        return 4;
    }
  }
  const transfer::CopyReport& r = *report;
  bool json = args.output == "json" || (args.output.empty() && want_json(global));
  if (json) {
    print_json(r.to_json());
  } else {
    print_human(r);
  }
  int rc = r.status == transfer::CopyStatus::kSuccess   ? 0
           : r.status == transfer::CopyStatus::kPartial ? 1
                                                        : 4;
  if (!args.report_file.empty()) {
    std::string text = r.to_json().dump(2, ' ', false, core::Json::error_handler_t::replace) + "\n";
    core::Status st =
        fs::write_file_durably(fs::PosixFileSystem::instance(), args.report_file, text);
    if (!st) {
      print_error(fmt::format("could not write the report: {}", st.message()));
      if (rc == 0) rc = 4;
    }
  }
  if (r.status == transfer::CopyStatus::kError) {
    print_error(r.message.empty() ? "the copy stopped" : r.message);
  } else if (r.status == transfer::CopyStatus::kPartial) {
    print_error(
        fmt::format("{} entr{} could not be copied (listed under errors); the rest was copied",
                    r.files_failed, r.files_failed == 1 ? "y" : "ies"));
  }
  return rc;
}

void setup_copy(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<CopyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "copy",
      "Replicate SRC's contents into DST (created if missing), like a DataSync task or "
      "rsync -a SRC/ DST/");
  cmd->add_option("SRC", args->source, "source directory")->required();
  cmd->add_option("DST", args->target, "target directory (must not contain or lie inside SRC)")
      ->required();
  cmd->add_option("--transfer-mode", args->transfer_mode,
                  "[TransferMode] changed: skip files whose type, size and mtime match; all")
      ->check(CLI::IsMember({"changed", "all"}));
  cmd->add_option("--overwrite", args->overwrite,
                  "[OverwriteMode] always | never | older (replace only older target files)")
      ->check(CLI::IsMember({"always", "never", "older"}));
  cmd->add_flag("--delete", args->delete_extraneous,
                "[PreserveDeletedFiles=REMOVE] remove target entries absent from the source");
  cmd->add_option("--owner", args->owner, "[Uid] preserve | none | map:OLD=NEW[,OLD=NEW...]");
  cmd->add_option("--group", args->group, "[Gid] preserve | none | map:OLD=NEW[,OLD=NEW...]");
  cmd->add_option("--perms", args->perms, "[PosixPermissions] preserve | none")
      ->check(CLI::IsMember({"preserve", "none"}));
  cmd->add_flag(
      "--devices", args->devices,
      "[PreserveDevices] recreate device nodes, fifos and sockets (default: skip, report)");
  cmd->add_option("--verify", args->verify,
                  "[VerifyMode] none | transferred (XXH3-128 of each file written) | all")
      ->check(CLI::IsMember({"none", "transferred", "all"}));
  cmd->add_option("--exclude", args->excludes,
                  "skip entries matching PATTERN (repeatable; 'a|b' joins patterns)")
      ->allow_extra_args(false);
  cmd->add_option("--include", args->includes,
                  "copy only entries matching PATTERN (repeatable; 'a|b' joins patterns)")
      ->allow_extra_args(false);
  cmd->add_option("--bwlimit", args->bwlimit, "[BytesPerSecond] read at most this many bytes/s");
  cmd->add_option("--parallel", args->parallel, "worker threads (default: cores, at least 8)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--dry-run", args->dry_run, "change nothing; report what would be done");
  cmd->add_flag("--fsync", args->fsync, "fsync every file (default: one syncfs at the end)");
  cmd->add_flag("--temp-names", args->temp_names,
                "write every file under a temporary name and rename it, never unnamed");
  cmd->add_flag("--keep-setuid", args->keep_setuid,
                "with --owner/--group other than preserve, keep setuid/setgid bits and file "
                "capabilities (default: dropped)");
  cmd->add_option("--report", args->report_file, "also write the report as JSON to FILE");
  cmd->add_flag("--progress", args->progress, "show the progress bar even when not on a terminal");
  cmd->add_option("--output", args->output, "report format: table | json")
      ->check(CLI::IsMember({"table", "json"}));
  cmd->callback([args, &ctx] { ctx.exit_code = run(*args, ctx.global); });
}

[[maybe_unused]] const bool kRegistered = register_command("copy", &setup_copy);

}  // namespace
}  // namespace lifeboat::cli

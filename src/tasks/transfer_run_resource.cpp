#include "tasks/transfer_run_resource.h"

#include "transfer/copier.h"
#include "transfer/copy_options.h"
#include "workflow/asl_error.h"

namespace lifeboat::tasks {

using core::Json;
using core::Result;
using workflow::asl_error;

Result<Json> TransferRunResource::run(const Json& input, workflow::TaskContext& ctx) {
  if (fs_ == nullptr) return asl_error("Lifeboat.Unavailable", "no file system configured");
  if (!input.is_object())
    return asl_error("Lifeboat.TransferRefused", "the input must be an object of copy options");
  Json options = input;
  if (input.contains("Options") && input["Options"].is_object()) {
    options.erase("Options");
    for (auto it = input["Options"].begin(); it != input["Options"].end(); ++it)
      options[it.key()] = it.value();
  }
  auto parsed = transfer::CopyOptions::from_json(options);
  if (!parsed) return asl_error("Lifeboat.TransferRefused", parsed.status().message());
  // A daemon shutting down requests ctx.stop, and the Task's TimeoutSeconds deadline passes:
  // either stops the copy within a chunk of data (the executor then drops this step, or
  // reports States.Timeout). The copier checks both itself, so nothing here polls.
  const core::Clock& clock = ctx.clock != nullptr ? *ctx.clock : core::SystemClock::instance();
  auto report = transfer::run_copy(*fs_, *parsed, {}, ctx.stop, ctx.deadline, clock);
  if (!report) {
    const char* name = report.status().code() == core::StatusCode::kInvalidArgument
                           ? "Lifeboat.TransferRefused"
                           : "Lifeboat.TransferError";
    return asl_error(name, report.status().message());
  }
  if (report->status == transfer::CopyStatus::kError)
    return asl_error("Lifeboat.TransferError",
                     report->message.empty() ? "the copy stopped" : report->message);
  if (report->status == transfer::CopyStatus::kPartial)
    return asl_error("Lifeboat.TransferPartial",
                     std::to_string(report->files_failed) + " file(s) could not be copied");
  return report->to_json();
}

}  // namespace lifeboat::tasks

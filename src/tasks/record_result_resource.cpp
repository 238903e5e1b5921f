#include "tasks/record_result_resource.h"

#include "workflow/asl_error.h"

namespace lifeboat::tasks {

using core::Json;
using core::Result;
using workflow::asl_error;

Result<Json> RecordResultResource::run(const Json& input, workflow::TaskContext& ctx) {
  if (registry_ == nullptr) return asl_error("Lifeboat.Unavailable", "no registry configured");
  if (!input.is_object()) return asl_error("Lifeboat.InvalidInput", "the input must be an object");
  auto domain = core::get_string(input, "domainName", "recordResult input");
  auto name = core::get_string(input, "profileName", "recordResult input");
  if (!domain) return asl_error("Lifeboat.InvalidInput", domain.status().message());
  if (!name) return asl_error("Lifeboat.InvalidInput", name.status().message());
  auto kind = core::parse_profile_kind(input.value("kind", "user"), "recordResult input.kind");
  if (!kind) return asl_error("Lifeboat.InvalidInput", kind.status().message());
  core::ProfileKey key{*domain, *kind, *name};
  const Json report = input.value("report", Json::object());
  auto number = [&](const char* field) -> std::int64_t {
    return report.is_object() && report.contains(field) && report[field].is_number()
               ? report[field].get<std::int64_t>()
               : 0;
  };
  core::ReplicationResult result;
  result.status = input.value(
      "status", report.is_object() ? report.value("status", "SUCCESS") : std::string("SUCCESS"));
  result.bytes_written = number("bytes_written");
  result.bytes_transferred = number("bytes_transferred");
  result.files_transferred = number("files_transferred");
  result.duration_ms = number("total_duration_ms");
  result.execution_id = ctx.root_execution_id;
  auto recorded = registry_->record_result(key, result);
  if (!recorded) {
    if (recorded.status().code() == core::StatusCode::kNotFound)
      return asl_error("Lifeboat.ProfileNotFound", recorded.status().message());
    return recorded.status();
  }
  return input;
}

}  // namespace lifeboat::tasks

// The one mapping between ExecutionStatus and its Step Functions spelling.
#include <array>
#include <utility>

#include "store/execution_store.h"

namespace lifeboat::store {

namespace {

constexpr std::array<std::pair<ExecutionStatus, std::string_view>, 4> kStatusNames = {{
    {ExecutionStatus::kRunning, "RUNNING"},
    {ExecutionStatus::kSucceeded, "SUCCEEDED"},
    {ExecutionStatus::kFailed, "FAILED"},
    {ExecutionStatus::kAborted, "ABORTED"},
}};

}  // namespace

std::string_view execution_status_name(ExecutionStatus status) {
  for (const auto& [s, name] : kStatusNames)
    if (s == status) return name;
  return "UNKNOWN";
}

core::Result<ExecutionStatus> parse_execution_status(std::string_view text) {
  for (const auto& [s, name] : kStatusNames)
    if (name == text) return s;
  return core::Status::invalid_argument(
      "execution status must be RUNNING, SUCCEEDED, FAILED or "
      "ABORTED, not '" +
      std::string(text) + "'");
}

}  // namespace lifeboat::store

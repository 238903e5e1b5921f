#include "tasks/dead_letter_redrive.h"

#include <fmt/format.h>

namespace lifeboat::tasks {

core::Result<std::string> redrive_dead_letter(WorkflowRuntime& runtime, const std::string& id,
                                              bool queue_here) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto letter, runtime.executions().get_dead_letter(id));
  if (!letter) {
    return core::Status::not_found(fmt::format("no dead letter '{}'; see `lifeboat dlq list`", id));
  }
  if (letter->status != store::kDeadLetterPending) {
    return core::Status::failed_precondition(
        fmt::format("dead letter '{}' was redriven already (execution {})", id,
                    letter->redrive_execution_id.value_or("?")));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto definition,
      core::parse_json(letter->definition, fmt::format("definition of dead letter '{}'", id)));
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto input,
      core::parse_json(letter->payload, fmt::format("payload of dead letter '{}'", id)));
  LIFEBOAT_ASSIGN_OR_RETURN(
      std::string execution_id,
      runtime.executor().start(definition, input, "redrive-" + id, "", queue_here));
  LIFEBOAT_RETURN_IF_ERROR(runtime.executions().mark_redriven(id, execution_id));
  return execution_id;
}

}  // namespace lifeboat::tasks

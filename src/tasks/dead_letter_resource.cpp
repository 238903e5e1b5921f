#include "tasks/dead_letter_resource.h"

#include "core/ids.h"
#include "core/time_format.h"
#include "workflow/asl_error.h"

namespace lifeboat::tasks {

using core::Json;
using core::Result;
using workflow::asl_error;

Result<Json> DeadLetterResource::run(const Json& input, workflow::TaskContext& ctx) {
  if (executions_ == nullptr)
    return asl_error("Lifeboat.Unavailable", "no execution store configured");
  store::DeadLetter letter;
  letter.id = core::new_uuid();
  letter.execution_id = ctx.root_execution_id;
  letter.created_at = core::format_rfc3339(ctx.clock->now());
  letter.payload = ctx.execution_input.dump();
  auto root = executions_->get_execution(ctx.root_execution_id);
  if (!root) return root.status();
  if (*root) {
    letter.payload = (*root)->input;
    letter.definition = (*root)->definition;
  }
  letter.error = input.is_object() ? input.value("Error", "Lifeboat.Unknown") : "Lifeboat.Unknown";
  letter.cause = input.is_object() ? input.value("Cause", "") : input.dump();
  LIFEBOAT_RETURN_IF_ERROR(executions_->add_dead_letter(letter));
  // A re-run keeps the first letter: report its id, not the one we tried to add.
  auto letters = executions_->list_dead_letters();
  if (!letters) return letters.status();
  Json out = input;
  for (const auto& d : *letters)
    if (d.execution_id == letter.execution_id) out["deadLetterId"] = d.id;
  return out;
}

}  // namespace lifeboat::tasks

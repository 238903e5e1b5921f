#include "store/store_records.h"

#include <fmt/format.h>

namespace lifeboat::store {

std::string_view change_op_name(ChangeOp op) {
  switch (op) {
    case ChangeOp::kInsert:
      return "INSERT";
    case ChangeOp::kModify:
      return "MODIFY";
    case ChangeOp::kRemove:
      return "REMOVE";
  }
  return "UNKNOWN";
}

core::Result<ChangeOp> parse_change_op(std::string_view text) {
  if (text == "INSERT") return ChangeOp::kInsert;
  if (text == "MODIFY") return ChangeOp::kModify;
  if (text == "REMOVE") return ChangeOp::kRemove;
  return core::Status::invalid_argument(
      fmt::format("change operation must be INSERT, MODIFY or REMOVE, not '{}'", text));
}

core::Json history_entry_to_json(const HistoryEntry& e) {
  return core::Json{{"seq", e.seq},
                    {"event_id", e.event_id},
                    {"event_type", e.event_type},
                    {"event_time", e.event_time},
                    {"recorded_at", e.recorded_at},
                    {"outcome", e.outcome},
                    {"detail", e.detail}};
}

}  // namespace lifeboat::store

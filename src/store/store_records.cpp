#include "store/store_records.h"

#include <fmt/format.h>

#include "core/enum_names.h"

template <>
struct lifeboat::core::EnumNames<lifeboat::store::ChangeOp> {
  static constexpr std::array<EnumName<store::ChangeOp>, 3> kNames{
      {{store::ChangeOp::kInsert, "INSERT"},
       {store::ChangeOp::kModify, "MODIFY"},
       {store::ChangeOp::kRemove, "REMOVE"}}};
};

namespace lifeboat::store {

std::string_view change_op_name(ChangeOp op) { return core::name_of(op); }

core::Result<ChangeOp> parse_change_op(std::string_view text) {
  return core::parse_enum<ChangeOp>(text, "change operation");
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

#include "store/list_queries.h"

#include <array>

#include "core/enum_names.h"
#include "core/json.h"

template <>
struct lifeboat::core::EnumNames<lifeboat::store::ProfileSort> {
  static constexpr std::array<EnumName<store::ProfileSort>, 4> kNames{
      {{store::ProfileSort::kName, "name"},
       {store::ProfileSort::kNameDesc, "-name"},
       {store::ProfileSort::kUpdated, "updated"},
       {store::ProfileSort::kUpdatedDesc, "-updated"}}};
};

template <>
struct lifeboat::core::EnumNames<lifeboat::store::HistorySort> {
  static constexpr std::array<EnumName<store::HistorySort>, 2> kNames{
      {{store::HistorySort::kNewestFirst, "-seq"}, {store::HistorySort::kOldestFirst, "seq"}}};
};

template <>
struct lifeboat::core::EnumNames<lifeboat::store::ExecutionSort> {
  static constexpr std::array<EnumName<store::ExecutionSort>, 2> kNames{
      {{store::ExecutionSort::kNewestFirst, "-started"},
       {store::ExecutionSort::kOldestFirst, "started"}}};
};

namespace lifeboat::store {

std::string_view profile_sort_name(ProfileSort sort) { return core::name_of(sort); }

core::Result<ProfileSort> parse_profile_sort(std::string_view text) {
  return core::parse_enum<ProfileSort>(text, "parameter 'sort'");
}

std::string_view history_sort_name(HistorySort sort) { return core::name_of(sort); }

core::Result<HistorySort> parse_history_sort(std::string_view text) {
  return core::parse_enum<HistorySort>(text, "parameter 'sort'");
}

std::string_view execution_sort_name(ExecutionSort sort) { return core::name_of(sort); }

core::Result<ExecutionSort> parse_execution_sort(std::string_view text) {
  return core::parse_enum<ExecutionSort>(text, "parameter 'sort'");
}

std::string profile_key_text(const core::ProfileKey& key) {
  return key.domain_name + "/" + std::string(core::profile_kind_name(key.kind)) + "/" + key.name;
}

std::optional<std::string> execution_profile_key(std::string_view input) {
  const core::Json j = core::Json::parse(input, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto text = [&j](const char* field) -> std::optional<std::string> {
    auto it = j.find(field);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto domain = text("domainName");
  auto name = text("profileName");
  if (!domain || !name) return std::nullopt;
  auto kind = core::parse_profile_kind(text("kind").value_or("user"));
  if (!kind.is_ok()) return std::nullopt;
  return profile_key_text({*domain, *kind, *name});
}

}  // namespace lifeboat::store

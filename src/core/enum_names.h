// The one way an enum is written as text and read back: a constexpr table of
// {value, name} pairs per enum, and name_of() / parse_enum() over it.
//
// A table is a specialization of EnumNames, kept beside the functions that use it:
//
//   template <>
//   struct core::EnumNames<ProfileKind> {
//     static constexpr std::array<EnumName<ProfileKind>, 2> kNames{
//         {{ProfileKind::kUser, "user"}, {ProfileKind::kSpace, "space"}}};
//   };
//
// A value's first name is the one written; later entries with the same value are accepted
// by parse_enum as aliases. `static constexpr bool kIgnoreCase = true;` in the
// specialization makes parse_enum compare ASCII letters without regard to case.
// Everything here is a pure function of the tables: thread safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/status.h"

namespace lifeboat::core {

template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

//! Specialize for each enum with a written form (see above).
template <typename E>
struct EnumNames;

//! The name `value` is written as; "unknown" for a value missing from the table.
template <typename E>
constexpr std::string_view name_of(E value) {
  for (const EnumName<E>& entry : EnumNames<E>::kNames) {
    if (entry.value == value) return entry.name;
  }
  return "unknown";
}

//! The names written (aliases left out), quoted: "'a', 'b' or 'c'".
template <typename E>
std::string enum_choices() {
  const auto& names = EnumNames<E>::kNames;
  std::string out;
  std::size_t written = 0, total = 0;
  for (std::size_t i = 0; i < names.size(); ++i) total += name_of(names[i].value) == names[i].name;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (name_of(names[i].value) != names[i].name) continue;  // an alias
    if (written > 0) out += written + 1 == total ? " or " : ", ";
    out += "'";
    out += names[i].name;
    out += "'";
    ++written;
  }
  return out;
}

namespace enum_names_detail {

constexpr bool same_text(std::string_view a, std::string_view b, bool ignore_case) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (ignore_case) {
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) return false;
  }
  return true;
}

}  // namespace enum_names_detail

//! The value named `text` (a name or an alias), if any.
template <typename E>
constexpr std::optional<E> find_enum(std::string_view text) {
  constexpr bool kIgnoreCase = [] {
    if constexpr (requires { EnumNames<E>::kIgnoreCase; }) {
      return EnumNames<E>::kIgnoreCase;
    } else {
      return false;
    }
  }();
  for (const EnumName<E>& entry : EnumNames<E>::kNames) {
    if (enum_names_detail::same_text(entry.name, text, kIgnoreCase)) return entry.value;
  }
  return std::nullopt;
}

//! The value named `text` (a name or an alias); else InvalidArgument
//! "<what> must be 'a', 'b' or 'c', not '<text>'".
template <typename E>
Result<E> parse_enum(std::string_view text, std::string_view what) {
  if (std::optional<E> value = find_enum<E>(text)) return *value;
  std::string message(what);
  message += " must be ";
  message += enum_choices<E>();
  message += ", not '";
  message += text;
  message += "'";
  return Status::invalid_argument(message);
}

}  // namespace lifeboat::core

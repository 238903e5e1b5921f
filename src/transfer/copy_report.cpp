#include "transfer/copy_report.h"

#include <fmt/format.h>

#include "core/enum_names.h"

namespace lifeboat::transfer {

using core::Json;

}  // namespace lifeboat::transfer

template <>
struct lifeboat::core::EnumNames<lifeboat::transfer::CopyStatus> {
  static constexpr std::array<EnumName<transfer::CopyStatus>, 3> kNames{
      {{transfer::CopyStatus::kSuccess, "SUCCESS"},
       {transfer::CopyStatus::kPartial, "PARTIAL"},
       {transfer::CopyStatus::kError, "ERROR"}}};
};

namespace lifeboat::transfer {

// The table's names are string literals: their data() ends in NUL.
const char* copy_status_name(CopyStatus status) { return core::name_of(status).data(); }

namespace {

// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 if it is not one.
size_t utf8_sequence(const std::string& s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t len = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

Json problems_json(const std::vector<CopyProblem>& list) {
  Json out = Json::array();
  for (const CopyProblem& p : list) {
    out.push_back({{"path", printable_path(p.path)}, {"reason", printable_path(p.reason)}});
  }
  return out;
}

}  // namespace

std::string printable_path(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t len = utf8_sequence(text, i);
    if (len == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
    } else {
      out.append(text, i, len);
      i += len;
    }
  }
  return out;
}

Json CopyReport::to_json() const {
  Json j{{"status", copy_status_name(status)},
         {"estimated_files_to_transfer", estimated_files_to_transfer},
         {"estimated_bytes_to_transfer", estimated_bytes_to_transfer},
         {"files_transferred", files_transferred},
         {"bytes_transferred", bytes_transferred},
         {"bytes_written", bytes_written},
         {"files_skipped", files_skipped},
         {"files_deleted", files_deleted},
         {"files_verified", files_verified},
         {"files_failed", files_failed},
         {"prepare_duration_ms", prepare_duration_ms},
         {"transfer_duration_ms", transfer_duration_ms},
         {"verify_duration_ms", verify_duration_ms},
         {"total_duration_ms", total_duration_ms},
         {"errors", problems_json(errors)},
         {"skipped", problems_json(skipped)},
         {"dry_run", dry_run}};
  if (!message.empty()) j["message"] = printable_path(message);
  return j;
}

}  // namespace lifeboat::transfer

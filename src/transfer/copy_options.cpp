#include "transfer/copy_options.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "core/enum_names.h"

namespace lifeboat::transfer {

using core::Json;
using core::Result;
using core::Status;

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Status bad(std::string_view field, std::string_view why) {
  return Status::invalid_argument(fmt::format("copy option '{}': {}", field, why));
}

Result<std::string> string_value(const Json& value, std::string_view field) {
  if (!value.is_string()) return bad(field, "expected a string");
  return value.get<std::string>();
}

Result<bool> bool_value(const Json& value, std::string_view field) {
  if (value.is_boolean()) return value.get<bool>();
  return bad(field, "expected true or false");
}

Result<std::int64_t> int_value(const Json& value, std::string_view field) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_string()) {
    try {
      size_t used = 0;
      std::string text = value.get<std::string>();
      long long n = std::stoll(text, &used);
      if (used == text.size()) return static_cast<std::int64_t>(n);
    } catch (const std::exception&) {
      // fall through to the error below
    }
  }
  return bad(field, "expected an integer");
}

// DataSync's "Excludes"/"Includes": [{"FilterType": "SIMPLE_PATTERN", "Value": "a|b"}];
// lower-case forms: a string or an array of strings.
Status add_patterns(const Json& value, std::string_view field, std::vector<std::string>& out) {
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
    return Status::ok();
  }
  if (!value.is_array()) return bad(field, "expected a pattern string or an array");
  for (const Json& item : value) {
    if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else if (item.is_object()) {
      if (item.contains("FilterType") &&
          (!item["FilterType"].is_string() || item["FilterType"] != "SIMPLE_PATTERN")) {
        return bad(field, "only FilterType SIMPLE_PATTERN is supported");
      }
      if (!item.contains("Value") || !item["Value"].is_string()) {
        return bad(field, "each filter needs a string Value");
      }
      out.push_back(item["Value"].get<std::string>());
    } else {
      return bad(field, "expected pattern strings or {FilterType, Value} objects");
    }
  }
  return Status::ok();
}

Result<IdMapping> id_value(const Json& value, std::string_view field, bool is_group) {
  LIFEBOAT_ASSIGN_OR_RETURN(std::string text, string_value(value, field));
  std::string low = lower(text);
  if (low == "int_value" || low == "name" || low == "both") return IdMapping();
  if (low == "none" || low == "preserve") return IdMapping::parse(low, is_group, field);
  return IdMapping::parse(text, is_group, field);
}

}  // namespace

}  // namespace lifeboat::transfer

// CLI values are lower case; JSON (DataSync's) values upper case: either is accepted.
template <>
struct lifeboat::core::EnumNames<lifeboat::transfer::TransferMode> {
  static constexpr bool kIgnoreCase = true;
  static constexpr std::array<EnumName<transfer::TransferMode>, 2> kNames{
      {{transfer::TransferMode::kChanged, "changed"}, {transfer::TransferMode::kAll, "all"}}};
};

template <>
struct lifeboat::core::EnumNames<lifeboat::transfer::OverwriteMode> {
  static constexpr bool kIgnoreCase = true;
  static constexpr std::array<EnumName<transfer::OverwriteMode>, 3> kNames{
      {{transfer::OverwriteMode::kAlways, "always"},
       {transfer::OverwriteMode::kNever, "never"},
       {transfer::OverwriteMode::kOlder, "older"}}};
};

template <>
struct lifeboat::core::EnumNames<lifeboat::transfer::VerifyMode> {
  static constexpr bool kIgnoreCase = true;
  static constexpr std::array<EnumName<transfer::VerifyMode>, 5> kNames{
      {{transfer::VerifyMode::kNone, "none"},
       {transfer::VerifyMode::kTransferred, "transferred"},
       {transfer::VerifyMode::kAll, "all"},
       {transfer::VerifyMode::kTransferred, "only_files_transferred"},  // DataSync's names
       {transfer::VerifyMode::kAll, "point_in_time_consistent"}}};
};

namespace lifeboat::transfer {

// The tables' names are string literals: their data() ends in NUL.
const char* transfer_mode_name(TransferMode mode) { return core::name_of(mode).data(); }
const char* overwrite_mode_name(OverwriteMode mode) { return core::name_of(mode).data(); }
const char* verify_mode_name(VerifyMode mode) { return core::name_of(mode).data(); }

Result<TransferMode> parse_transfer_mode(std::string_view text, std::string_view option) {
  return core::parse_enum<TransferMode>(text, fmt::format("copy option '{}'", option));
}

Result<OverwriteMode> parse_overwrite_mode(std::string_view text, std::string_view option) {
  return core::parse_enum<OverwriteMode>(text, fmt::format("copy option '{}'", option));
}

Result<VerifyMode> parse_verify_mode(std::string_view text, std::string_view option) {
  return core::parse_enum<VerifyMode>(text, fmt::format("copy option '{}'", option));
}

Result<CopyOptions> CopyOptions::from_json(const Json& json) {
  if (!json.is_object()) return Status::invalid_argument("copy options: expected a JSON object");
  static const std::set<std::string> kIgnored = {"Atime",         "Mtime",
                                                 "LogLevel",      "TaskQueueing",
                                                 "ObjectTags",    "SecurityDescriptorCopyFlags",
                                                 "TransferStatus"};
  CopyOptions o;
  for (const auto& [key, value] : json.items()) {
    if (key == "source" || key == "Source" || key == "src") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.source, string_value(value, key));
    } else if (key == "target" || key == "Target" || key == "dst" || key == "destination") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.target, string_value(value, key));
    } else if (key == "TransferMode" || key == "transfer_mode") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::string text, string_value(value, key));
      LIFEBOAT_ASSIGN_OR_RETURN(o.transfer_mode, parse_transfer_mode(text, key));
    } else if (key == "OverwriteMode" || key == "overwrite") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::string text, string_value(value, key));
      LIFEBOAT_ASSIGN_OR_RETURN(o.overwrite, parse_overwrite_mode(text, key));
    } else if (key == "PreserveDeletedFiles") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::string text, string_value(value, key));
      std::string low = lower(text);
      if (low != "preserve" && low != "remove") return bad(key, "expected PRESERVE or REMOVE");
      o.delete_extraneous = low == "remove";
    } else if (key == "delete") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.delete_extraneous, bool_value(value, key));
    } else if (key == "Uid" || key == "owner") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.owner, id_value(value, key, false));
    } else if (key == "Gid" || key == "group") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.group, id_value(value, key, true));
    } else if (key == "PosixPermissions" || key == "perms") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::string text, string_value(value, key));
      std::string low = lower(text);
      if (low != "preserve" && low != "none") return bad(key, "expected PRESERVE or NONE");
      o.preserve_perms = low == "preserve";
    } else if (key == "PreserveDevices") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::string text, string_value(value, key));
      std::string low = lower(text);
      if (low != "preserve" && low != "none") return bad(key, "expected PRESERVE or NONE");
      o.devices = low == "preserve";
    } else if (key == "devices") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.devices, bool_value(value, key));
    } else if (key == "VerifyMode" || key == "verify") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::string text, string_value(value, key));
      LIFEBOAT_ASSIGN_OR_RETURN(o.verify, parse_verify_mode(text, key));
    } else if (key == "BytesPerSecond" || key == "bwlimit") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t n, int_value(value, key));
      if (n < -1) return bad(key, "expected -1 (unlimited) or a number of bytes per second");
      o.bwlimit = n <= 0 ? 0 : static_cast<std::uint64_t>(n);
    } else if (key == "parallel") {
      LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t n, int_value(value, key));
      if (n < 0 || n > 1024) return bad(key, "expected 0 (one per core) to 1024");
      o.parallel = static_cast<int>(n);
    } else if (key == "dry_run") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.dry_run, bool_value(value, key));
    } else if (key == "fsync") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.fsync, bool_value(value, key));
    } else if (key == "temp_names") {
      LIFEBOAT_ASSIGN_OR_RETURN(o.temp_names, bool_value(value, key));
    } else if (key == "keep_setuid") {
      // Off unless asked: with owner/group remapped, setuid/setgid bits and file
      // capabilities are dropped (see CopyOptions::keep_setuid).
      LIFEBOAT_ASSIGN_OR_RETURN(o.keep_setuid, bool_value(value, key));
    } else if (key == "Excludes" || key == "exclude" || key == "excludes") {
      LIFEBOAT_RETURN_IF_ERROR(add_patterns(value, key, o.excludes));
    } else if (key == "Includes" || key == "include" || key == "includes") {
      LIFEBOAT_RETURN_IF_ERROR(add_patterns(value, key, o.includes));
    } else if (kIgnored.count(key) == 0) {
      return bad(key, "unknown option");
    }
  }
  return o;
}

Json CopyOptions::to_json() const {
  return Json{{"source", source},
              {"target", target},
              {"transfer_mode", transfer_mode_name(transfer_mode)},
              {"overwrite", overwrite_mode_name(overwrite)},
              {"delete", delete_extraneous},
              {"owner", owner.to_string()},
              {"group", group.to_string()},
              {"perms", preserve_perms ? "preserve" : "none"},
              {"devices", devices},
              {"verify", verify_mode_name(verify)},
              {"exclude", excludes},
              {"include", includes},
              {"bwlimit", bwlimit},
              {"parallel", parallel},
              {"dry_run", dry_run},
              {"fsync", fsync},
              {"temp_names", temp_names},
              {"keep_setuid", keep_setuid}};
}

}  // namespace lifeboat::transfer

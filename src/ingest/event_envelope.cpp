#include "ingest/event_envelope.h"

#include <fmt/format.h>

#include <iterator>

#include "core/time_format.h"

namespace lifeboat::ingest {
namespace {

using core::Json;
using core::Result;
using core::Status;

// Platforms send numeric ids (uids, EFS "Uid" directory names) as numbers or strings.
Result<std::optional<std::string>> get_id_like(const Json& obj, std::string_view key,
                                               std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
  if (it->is_string()) return std::optional<std::string>{it->get<std::string>()};
  if (it->is_number_integer())
    return std::optional<std::string>{std::to_string(it->get<std::int64_t>())};
  return Status::invalid_argument(
      fmt::format("field {}.{} must be a string or an integer", where, key));
}

Result<std::optional<std::int64_t>> get_optional_int(const Json& obj, std::string_view key,
                                                     std::string_view where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::int64_t>{};
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    try {
      std::size_t used = 0;
      long long v = std::stoll(s, &used);
      if (used == s.size()) return std::optional<std::int64_t>{v};
    } catch (const std::exception&) {
      // fall through to the error below
    }
    return Status::invalid_argument(fmt::format("field {}.{} must be an integer", where, key));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t v, core::get_int(obj, key, where));
  return std::optional<std::int64_t>{v};
}

// Reads the profile and home fields shared by both envelopes from `obj` (CloudTrail's
// requestParameters or CloudEvents' data), named `where` in errors.
Status read_payload(const Json& obj, std::string_view where, core::ProfileEvent& e) {
  if (!obj.is_object())
    return Status::invalid_argument(fmt::format("field {} must be an object", where));
  LIFEBOAT_ASSIGN_OR_RETURN(auto domain_id, core::get_optional_string(obj, "domainId", where));
  if (domain_id) e.domain_id = *domain_id;
  LIFEBOAT_ASSIGN_OR_RETURN(auto domain_name, core::get_optional_string(obj, "domainName", where));
  if (domain_name) e.domain_name = *domain_name;
  if (!e.is_domain_event()) {
    std::string_view name_key =
        e.kind() == core::ProfileKind::kUser ? "userProfileName" : "spaceName";
    LIFEBOAT_ASSIGN_OR_RETURN(e.profile_name, core::get_string(obj, name_key, where));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto volume, get_id_like(obj, "homeEfsFileSystemId", where));
  LIFEBOAT_ASSIGN_OR_RETURN(auto dir, get_id_like(obj, "homeEfsFileSystemUid", where));
  if (e.is_domain_event()) {
    if (volume) e.home_volume_id = *volume;
  } else if (volume && dir) {
    e.home = core::HomeLocation{*volume, *dir};
  } else if (volume || dir) {
    return Status::invalid_argument(
        fmt::format("field {}.{} is missing while {}.{} is given; send both or neither", where,
                    volume ? "homeEfsFileSystemUid" : "homeEfsFileSystemId", where,
                    volume ? "homeEfsFileSystemId" : "homeEfsFileSystemUid"));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(e.owner_uid, get_optional_int(obj, "ownerUid", where));
  LIFEBOAT_ASSIGN_OR_RETURN(e.owner_gid, get_optional_int(obj, "ownerGid", where));
  return Status::ok();
}

Result<core::Clock::WallTime> read_time(const Json& obj, std::string_view key,
                                        std::string_view where) {
  LIFEBOAT_ASSIGN_OR_RETURN(std::string text, core::get_string(obj, key, where));
  auto t = core::parse_rfc3339(text);
  if (!t.is_ok()) return t.status().with_context(fmt::format("field {}.{}", where, key));
  return t;
}

Result<core::ProfileEvent> parse_cloudtrail(const Json& envelope) {
  const Json& detail = envelope["detail"];
  constexpr std::string_view kDetail = "detail";
  core::ProfileEvent e;
  LIFEBOAT_ASSIGN_OR_RETURN(std::string name, core::get_string(detail, "eventName", kDetail));
  LIFEBOAT_ASSIGN_OR_RETURN(e.type, core::parse_event_type(name, "detail.eventName"));
  LIFEBOAT_ASSIGN_OR_RETURN(e.id, core::get_string(detail, "eventID", kDetail));
  LIFEBOAT_ASSIGN_OR_RETURN(e.time, read_time(detail, "eventTime", kDetail));
  LIFEBOAT_ASSIGN_OR_RETURN(auto error_code,
                            core::get_optional_string(detail, "errorCode", kDetail));
  if (error_code) {
    return Status::invalid_argument(fmt::format(
        "field detail.errorCode is '{}': the API call failed, so nothing happened to apply",
        *error_code));
  }
  LIFEBOAT_ASSIGN_OR_RETURN(auto source, core::get_optional_string(envelope, "source", "event"));
  e.source = source.value_or(std::string(core::kSageMakerSource));
  auto params = detail.find("requestParameters");
  if (params == detail.end() || params->is_null()) {
    return Status::invalid_argument("missing field detail.requestParameters");
  }
  LIFEBOAT_RETURN_IF_ERROR(read_payload(*params, "detail.requestParameters", e));
  if (e.domain_id.empty()) {
    // CreateDomain's request has no id yet: the response carries it (or its ARN).
    auto resp = detail.find("responseElements");
    if (resp != detail.end() && resp->is_object()) {
      LIFEBOAT_ASSIGN_OR_RETURN(
          auto id, core::get_optional_string(*resp, "domainId", "detail.responseElements"));
      LIFEBOAT_ASSIGN_OR_RETURN(
          auto arn, core::get_optional_string(*resp, "domainArn", "detail.responseElements"));
      if (id) {
        e.domain_id = *id;
      } else if (arn && arn->find("domain/") != std::string::npos) {
        e.domain_id = arn->substr(arn->rfind('/') + 1);
      }
    }
    if (e.domain_id.empty()) {
      return Status::invalid_argument(
          "missing field detail.requestParameters.domainId (or detail.responseElements.domainArn)");
    }
  }
  return e;
}

Result<core::ProfileEvent> parse_cloudevent(const Json& envelope) {
  constexpr std::string_view kEvent = "event";
  LIFEBOAT_ASSIGN_OR_RETURN(std::string version, core::get_string(envelope, "specversion", kEvent));
  if (version != "1.0") {
    return Status::invalid_argument(
        fmt::format("field specversion is '{}'; only CloudEvents 1.0 is accepted", version));
  }
  core::ProfileEvent e;
  LIFEBOAT_ASSIGN_OR_RETURN(e.id, core::get_string(envelope, "id", kEvent));
  LIFEBOAT_ASSIGN_OR_RETURN(std::string type, core::get_string(envelope, "type", kEvent));
  LIFEBOAT_ASSIGN_OR_RETURN(e.type, core::parse_event_type(type, "type"));
  LIFEBOAT_ASSIGN_OR_RETURN(e.time, read_time(envelope, "time", kEvent));
  LIFEBOAT_ASSIGN_OR_RETURN(auto source, core::get_optional_string(envelope, "source", kEvent));
  e.source = source.value_or("");
  auto data = envelope.find("data");
  if (data == envelope.end() || data->is_null())
    return Status::invalid_argument("missing field data");
  LIFEBOAT_RETURN_IF_ERROR(read_payload(*data, "data", e));
  if (e.domain_id.empty()) return Status::invalid_argument("missing field data.domainId");
  return e;
}

// A field of an envelope that may be refused, for reporting what it claimed to be:
// CloudEvents' top-level `ce_key`, or CloudTrail's detail.`ct_key`. "" when absent.
std::string peek(const Json& envelope, std::string_view ce_key, std::string_view ct_key) {
  if (!envelope.is_object()) return "";
  const Json* where = &envelope;
  std::string_view key = ce_key;
  if (!envelope.contains("specversion")) {
    auto detail = envelope.find("detail");
    if (detail == envelope.end() || !detail->is_object()) return "";
    where = &*detail;
    key = ct_key;
  }
  auto it = where->find(key);
  return it != where->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Result<core::ProfileEvent> parse_envelope(const Json& envelope) {
  if (!envelope.is_object()) return Status::invalid_argument("an event must be a JSON object");
  Result<core::ProfileEvent> parsed = Status::invalid_argument(
      "not an event envelope: expected CloudEvents 1.0 (field specversion) or an EventBridge "
      "CloudTrail record (field detail.eventName)");
  if (envelope.contains("specversion")) {
    parsed = parse_cloudevent(envelope);
  } else if (envelope.contains("detail") && envelope["detail"].is_object()) {
    parsed = parse_cloudtrail(envelope);
  }
  if (!parsed.is_ok()) return parsed.status();
  LIFEBOAT_RETURN_IF_ERROR(core::validate_event(*parsed));
  return parsed;
}

Result<std::vector<ParsedEnvelope>> parse_envelopes(std::string_view text, std::string_view what) {
  LIFEBOAT_ASSIGN_OR_RETURN(Json doc, core::parse_json(text, what));
  std::vector<Json> items;
  if (doc.is_array()) {
    // Moved, not copied: copying a JSON tree recurses once per level of nesting.
    items.assign(std::make_move_iterator(doc.begin()), std::make_move_iterator(doc.end()));
  } else if (doc.is_object()) {
    items.push_back(std::move(doc));
  } else {
    return Status::invalid_argument(
        fmt::format("{} must hold one event object or an array of events", what));
  }
  std::vector<ParsedEnvelope> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    ParsedEnvelope p;
    p.index = i;
    p.id = peek(items[i], "id", "eventID");
    p.type = peek(items[i], "type", "eventName");
    auto parsed = parse_envelope(items[i]);
    if (parsed.is_ok()) {
      p.event = std::move(parsed).value();
    } else {
      p.status = parsed.status().with_context(fmt::format("event[{}]", i));
    }
    p.raw = std::move(items[i]);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace lifeboat::ingest

#include "dispatch/recovery_planner.h"

#include <fmt/format.h>

#include "core/profile_event.h"

namespace lifeboat::dispatch {
namespace {

using core::Json;

std::string join_path(const std::string& mount, const std::string& dir) {
  if (!mount.empty() && mount.back() == '/') return mount + dir;
  return mount + "/" + dir;
}

Json home_json(const core::HomeLocation& home, const std::string& path) {
  return Json{{"volumeId", home.volume_id}, {"dirName", home.dir_name}, {"path", path}};
}

// "map:OLD=NEW" when the events named both ids; otherwise "home": the old home root's id
// becomes the new home root's, as found on the volume when the copy starts.
std::string id_map(const std::optional<std::int64_t>& from, const std::optional<std::int64_t>& to) {
  if (from && to) return *from == *to ? "preserve" : fmt::format("map:{}={}", *from, *to);
  return "home";
}

}  // namespace

std::string recovery_execution_id(std::int64_t seq) { return fmt::format("recovery-{}", seq); }

std::optional<std::string> templated_volume_path(const RecoveryDefaults& defaults,
                                                 const std::string& id) {
  if (defaults.volume_path_template.empty() || !core::validate_name(id, "volume id").is_ok())
    return std::nullopt;
  std::string path = defaults.volume_path_template;
  constexpr std::string_view kVar = "{volume_id}";
  for (auto pos = path.find(kVar); pos != std::string::npos; pos = path.find(kVar, pos + id.size()))
    path.replace(pos, kVar.size(), id);
  return path;
}

RecoveryDecision plan_recovery(const store::Change& change, const VolumeLookup& volumes,
                               const RecoveryDefaults& defaults) {
  RecoveryDecision d;
  const std::string key = change.key.to_string();
  if (change.op != store::ChangeOp::kModify || !change.old_image || !change.new_image) {
    d.reason = fmt::format("change {} of {} is not a MODIFY", change.seq, key);
    return d;
  }
  const core::Profile& before = *change.old_image;
  const core::Profile& after = *change.new_image;
  if (after.status != core::ProfileStatus::kActive) {
    d.reason = fmt::format("{} is not active", key);
    return d;
  }
  if (core::is_seed_event_id(change.event_id)) {
    d.reason = fmt::format("{}: recorded by lifeboat seed, which starts no recovery", key);
    return d;
  }
  if (!before.home || !after.home) {
    d.reason = fmt::format("{}: old or new home unknown", key);
    return d;
  }
  if (*before.home == *after.home) {
    d.reason = fmt::format("{}: home unchanged ({})", key, after.home->to_string());
    return d;
  }
  if (!after.replication) {
    d.reason = fmt::format("{}: replication is disabled for this profile", key);
    return d;
  }
  auto source_mount = volumes(before.home->volume_id);
  auto target_mount = volumes(after.home->volume_id);
  if (!source_mount || !target_mount) {
    d.reason = fmt::format("{}: volume '{}' is not registered here (lifeboat volumes add)", key,
                           !source_mount ? before.home->volume_id : after.home->volume_id);
    return d;
  }
  const std::string source_path = join_path(*source_mount, before.home->dir_name);
  const std::string target_path = join_path(*target_mount, after.home->dir_name);

  // The input of workflows/recovery.asl.json: who, from where, to where, copy options.
  Json options = defaults.transfer.is_object() ? defaults.transfer : Json::object();
  if (!options.contains("overwrite") && !options.contains("OverwriteMode")) {
    options["overwrite"] = "older";
  }
  options["owner"] = id_map(before.owner_uid, after.owner_uid);
  options["group"] = id_map(before.owner_gid, after.owner_gid);
  d.input = Json{{"domainName", after.key.domain_name},
                 {"kind", std::string(core::profile_kind_name(after.key.kind))},
                 {"profileName", after.key.name},
                 {"source", source_path},
                 {"target", target_path},
                 {"options", options},
                 {"sourceHome", home_json(*before.home, source_path)},
                 {"targetHome", home_json(*after.home, target_path)},
                 {"changeSeq", change.seq},
                 {"eventId", change.event_id}};
  if (defaults.await_home_seconds) (*d.input)["awaitTimeoutSeconds"] = *defaults.await_home_seconds;
  d.reason =
      fmt::format("{}: recover {} into {}", key, before.home->to_string(), after.home->to_string());
  return d;
}

}  // namespace lifeboat::dispatch

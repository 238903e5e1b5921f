#include "registry/registry.h"

#include <fmt/format.h>

#include "core/enum_names.h"
#include "core/ids.h"
#include "core/time_format.h"
#include "store/transfer_log.h"

namespace lifeboat::registry {
namespace {

using core::Profile;
using core::ProfileKey;
using core::Result;
using core::Status;
using store::StoreTransaction;

// Everything one write does besides the current row: the change and the history entry.
struct Write {
  std::string event_id;
  std::string event_type;
  std::string event_time;
  core::Json detail;
};

// Records `after` as the current row of its key, with its change and history row.
Status write_profile(StoreTransaction& t, const std::optional<Profile>& old_image,
                     const Profile& after, const Write& w, std::vector<std::int64_t>& changes) {
  LIFEBOAT_RETURN_IF_ERROR(t.put_profile(after));
  store::Change change;
  change.event_id = w.event_id;
  change.key = after.key;
  change.op = old_image ? store::ChangeOp::kModify : store::ChangeOp::kInsert;
  change.old_image = old_image;
  change.new_image = after;
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t seq, t.append_change(change));
  changes.push_back(seq);
  store::HistoryEntry h;
  h.event_id = w.event_id;
  h.event_type = w.event_type;
  h.event_time = w.event_time;
  h.key = after.key;
  h.outcome = std::string(store::kOutcomeApplied);
  h.detail = w.detail;
  return t.append_history(h).status();
}

ApplyResult duplicate_of(const std::string& event_id) {
  return ApplyResult{ApplyOutcome::kDuplicate,
                     fmt::format("event '{}' was applied before; nothing changed", event_id),
                     {}};
}

bool is_refusal(const Status& st) {
  switch (st.code()) {
    case core::StatusCode::kInvalidArgument:
    case core::StatusCode::kNotFound:
    case core::StatusCode::kAlreadyExists:
    case core::StatusCode::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

Status validate_key(const ProfileKey& key, std::string_view prefix) {
  LIFEBOAT_RETURN_IF_ERROR(
      core::validate_name(key.domain_name, fmt::format("{}domain-name", prefix)));
  return core::validate_name(key.name, fmt::format("{}profile-name", prefix));
}

// Applies one validated, not-yet-processed event inside `t`.
class EventApplier {
 public:
  EventApplier(StoreTransaction& t, platform::PlatformDirectory& platform,
               const core::ProfileEvent& e, ApplyResult& result)
      : t_(t),
        platform_(platform),
        e_(e),
        result_(result),
        time_(core::format_rfc3339(e.time)),
        write_{e.id, std::string(core::event_type_name(e.type)), time_, core::event_to_json(e)} {}

  Status run() {
    switch (e_.type) {
      case core::EventType::kCreateDomain:
        return create_domain();
      case core::EventType::kDeleteDomain:
        return delete_domain();
      default:
        return profile_event();
    }
  }

 private:
  Status create_domain() {
    LIFEBOAT_ASSIGN_OR_RETURN(auto existing, t_.get_domain(e_.domain_id));
    if (existing && time_ < existing->last_event_time) {
      return stale(fmt::format("domain {}", e_.domain_id));
    }
    core::Domain d{e_.domain_id, e_.domain_name, e_.home_volume_id, core::DomainStatus::kActive,
                   time_};
    if (d.home_volume_id.empty() && existing) d.home_volume_id = existing->home_volume_id;
    LIFEBOAT_RETURN_IF_ERROR(t_.put_domain(d));
    result_.message = fmt::format("domain {} ({}) recorded", d.name, d.id);
    return Status::ok();
  }

  Status delete_domain() {
    LIFEBOAT_ASSIGN_OR_RETURN(auto existing, t_.get_domain(e_.domain_id));
    if (!existing && e_.domain_name.empty()) {
      result_.message =
          fmt::format("domain {} was never recorded; nothing to delete", e_.domain_id);
      return Status::ok();
    }
    if (existing && time_ < existing->last_event_time) {
      return stale(fmt::format("domain {}", e_.domain_id));
    }
    core::Domain d = existing.value_or(core::Domain{e_.domain_id, e_.domain_name, e_.home_volume_id,
                                                    core::DomainStatus::kActive, ""});
    d.status = core::DomainStatus::kDeleted;
    d.last_event_time = time_;
    LIFEBOAT_RETURN_IF_ERROR(t_.put_domain(d));
    // Its profiles are gone from the platform too; their homes stay as backup pointers.
    LIFEBOAT_ASSIGN_OR_RETURN(auto profiles, t_.list_profiles({.domain_id = e_.domain_id}));
    int deleted = 0;
    for (const Profile& p : profiles) {
      if (p.status != core::ProfileStatus::kActive) continue;
      Profile after = p;
      after.status = core::ProfileStatus::kDeleted;
      after.last_event_time = time_;
      after.updated_at.clear();
      LIFEBOAT_RETURN_IF_ERROR(write_profile(t_, p, after, write_, result_.changes));
      ++deleted;
    }
    result_.message =
        fmt::format("domain {} ({}) deleted with {} profile(s)", d.name, d.id, deleted);
    return Status::ok();
  }

  Status profile_event() {
    std::string domain_name = e_.domain_name;
    LIFEBOAT_ASSIGN_OR_RETURN(auto domain, t_.get_domain(e_.domain_id));
    if (domain_name.empty()) {
      if (!domain) {
        return Status::invalid_argument(fmt::format(
            "field domainName: missing, and domain '{}' is unknown; include domainName or "
            "send the domain's CreateDomain event first",
            e_.domain_id));
      }
      domain_name = domain->name;
    }
    if (!domain && e_.is_create()) {
      // The platform may report a profile before (or without) its domain's event.
      domain = core::Domain{e_.domain_id, domain_name, e_.home ? e_.home->volume_id : "",
                            core::DomainStatus::kActive, time_};
      LIFEBOAT_RETURN_IF_ERROR(t_.put_domain(*domain));
    }
    ProfileKey key{domain_name, e_.kind(), e_.profile_name};
    LIFEBOAT_ASSIGN_OR_RETURN(auto existing, t_.get_profile(key));
    if (existing && time_ < existing->last_event_time) return stale_profile(key);
    return e_.is_create() ? create_profile(key, domain, existing) : delete_profile(key, existing);
  }

  Status create_profile(const ProfileKey& key, const std::optional<core::Domain>& domain,
                        const std::optional<Profile>& existing) {
    std::optional<core::HomeLocation> home = e_.home;
    if (!home) {
      LIFEBOAT_ASSIGN_OR_RETURN(
          home, platform_.resolve_home(key, e_.domain_id, domain ? domain->home_volume_id : ""));
    }
    if (home) LIFEBOAT_RETURN_IF_ERROR(refuse_home_of_another(key, *home));
    Profile after;
    std::optional<Profile> old_image;
    if (existing) {
      after = *existing;
      old_image = *existing;
      // A pending target's "previous home" is the source add-target named: that is what
      // the recovery copies from.
      if (existing->pending_source) old_image->home = existing->pending_source;
    }
    after.key = key;
    after.domain_id = e_.domain_id;
    after.home = home;
    after.owner_uid = e_.owner_uid;
    after.owner_gid = e_.owner_gid;
    // A recreation that does not say where its new home is must not lose the old one: it
    // stays as the source of the recovery that starts once the new home is known.
    after.pending_source.reset();
    if (!home && existing) {
      after.pending_source = existing->pending_source ? existing->pending_source : existing->home;
    }
    after.status = core::ProfileStatus::kActive;
    after.last_event_time = time_;
    // This incarnation's creation time; a previous incarnation's must not linger.
    after.platform_created_at = e_.platform_created_at;
    after.updated_at.clear();
    // after.replication keeps the administrator's flag (default on for a new key).
    LIFEBOAT_RETURN_IF_ERROR(write_profile(t_, old_image, after, write_, result_.changes));
    result_.message = fmt::format("{} {} home {}", existing ? "MODIFY" : "INSERT", key.to_string(),
                                  home ? home->to_string() : "unknown");
    return Status::ok();
  }

  Status delete_profile(const ProfileKey& key, const std::optional<Profile>& existing) {
    if (!existing) {
      // A home named only by the delete of a profile never seen would become the source
      // of the next creation's recovery: an event could pick any directory to copy from.
      LIFEBOAT_RETURN_IF_ERROR(history_only(key, store::kOutcomeApplied));
      result_.message = fmt::format(
          "{} was never recorded; deletion noted in history (no home is taken from a delete)",
          key.to_string());
      return Status::ok();
    }
    Profile after = *existing;
    // The home location is kept: it is the backup pointer a recreation copies from.
    after.status = core::ProfileStatus::kDeleted;
    after.last_event_time = time_;
    after.updated_at.clear();
    LIFEBOAT_RETURN_IF_ERROR(write_profile(t_, existing, after, write_, result_.changes));
    result_.message = fmt::format("{} deleted; home {} kept", key.to_string(),
                                  after.home ? after.home->to_string() : "unknown");
    return Status::ok();
  }

  // A recovery into a home another active profile holds would merge a stranger's files
  // into it and re-own them.
  Status refuse_home_of_another(const ProfileKey& key, const core::HomeLocation& home) {
    LIFEBOAT_ASSIGN_OR_RETURN(auto holders, t_.list_profiles({.home = home}));
    for (const Profile& p : holders) {
      if (p.key == key || p.status != core::ProfileStatus::kActive) continue;
      return Status::invalid_argument(
          fmt::format("field homeEfsFileSystemUid: home {} is the home of active profile {}; a "
                      "profile's new home must be its own",
                      home.to_string(), p.key.to_string()));
    }
    return Status::ok();
  }

  Status history_only(const ProfileKey& key, std::string_view outcome) {
    store::HistoryEntry h;
    h.event_id = write_.event_id;
    h.event_type = write_.event_type;
    h.event_time = write_.event_time;
    h.key = key;
    h.outcome = std::string(outcome);
    h.detail = write_.detail;
    return t_.append_history(h).status();
  }

  Status stale_profile(const ProfileKey& key) {
    LIFEBOAT_RETURN_IF_ERROR(history_only(key, store::kOutcomeStale));
    return stale(key.to_string());
  }

  Status stale(const std::string& what) {
    result_.outcome = ApplyOutcome::kStale;
    result_.message =
        fmt::format("older than the last event applied to {}; recorded in history only", what);
    return Status::ok();
  }

  StoreTransaction& t_;
  platform::PlatformDirectory& platform_;
  const core::ProfileEvent& e_;
  ApplyResult& result_;
  std::string time_;
  Write write_;
};

}  // namespace

}  // namespace lifeboat::registry

template <>
struct lifeboat::core::EnumNames<lifeboat::registry::ApplyOutcome> {
  static constexpr std::array<EnumName<registry::ApplyOutcome>, 4> kNames{
      {{registry::ApplyOutcome::kApplied, "applied"},
       {registry::ApplyOutcome::kDuplicate, "duplicate"},
       {registry::ApplyOutcome::kStale, "stale"},
       {registry::ApplyOutcome::kRefused, "refused"}}};
};

namespace lifeboat::registry {

std::string_view apply_outcome_name(ApplyOutcome outcome) { return core::name_of(outcome); }

Status Registry::check(const core::ProfileEvent& event) const {
  LIFEBOAT_RETURN_IF_ERROR(core::validate_event(event));
  if (policy_.allow_root_owner) return Status::ok();
  for (const auto& [id, field] :
       {std::pair{event.owner_uid, "ownerUid"}, std::pair{event.owner_gid, "ownerGid"}}) {
    if (id && *id == 0) {
      return Status::invalid_argument(fmt::format(
          "field {} is 0 (root): a recovery would hand the old home's files to root; the "
          "administrator may allow it with allow_root_owner = true in the [security] table",
          field));
    }
  }
  return Status::ok();
}

Result<ApplyResult> Registry::apply(const core::ProfileEvent& event) {
  Status valid = check(event);
  if (!valid.is_ok()) {
    return ApplyResult{ApplyOutcome::kRefused,
                       event.id.empty() ? valid.message()
                                        : fmt::format("event '{}': {}", event.id, valid.message()),
                       {}};
  }
  ApplyResult result;
  Status st = store_.transact([&](StoreTransaction& t) -> Status {
    result = ApplyResult{};
    LIFEBOAT_ASSIGN_OR_RETURN(bool seen, t.is_event_processed(event.id));
    if (seen) {
      result = duplicate_of(event.id);
      return Status::ok();
    }
    LIFEBOAT_RETURN_IF_ERROR(EventApplier(t, platform_, event, result).run());
    return t.record_processed_event(event.id, apply_outcome_name(result.outcome));
  });
  if (st.is_ok()) return result;
  if (st.code() == core::StatusCode::kAlreadyExists) {
    // A store without a whole-database write lock (PostgreSQL) lets two writers pass the
    // duplicate check at once; the loser's insert of the event id fails and rolls back.
    bool seen = false;
    Status lookup = store_.read([&](StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(seen, t.is_event_processed(event.id));
      return Status::ok();
    });
    if (lookup.is_ok() && seen) return duplicate_of(event.id);
  }
  if (is_refusal(st)) {
    return ApplyResult{
        ApplyOutcome::kRefused, fmt::format("event '{}': {}", event.id, st.message()), {}};
  }
  return st.with_context(fmt::format("event '{}'", event.id));
}

namespace {

// Shared shape of the administrative updates: read the row, change it, write a MODIFY
// whose homes are equal (so nothing downstream mistakes it for a recreation).
Result<Profile> update_profile(store::Store& store, const core::Clock& clock, const ProfileKey& key,
                               std::string_view action, core::Json detail,
                               const std::function<bool(Profile&)>& change,
                               const std::function<Status(StoreTransaction&)>& also = {}) {
  LIFEBOAT_RETURN_IF_ERROR(validate_key(key, ""));
  Profile out;
  Status st = store.transact([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto existing, t.get_profile(key));
    if (!existing) {
      return Status::not_found(
          fmt::format("profile {} is unknown; check `lifeboat profiles list`", key.to_string()));
    }
    out = *existing;
    if (also) LIFEBOAT_RETURN_IF_ERROR(also(t));
    if (!change(out)) return Status::ok();
    out.updated_at.clear();
    std::vector<std::int64_t> changes;
    std::string now = core::format_rfc3339(clock.now());
    LIFEBOAT_RETURN_IF_ERROR(write_profile(
        t, existing, out,
        {"admin-" + core::new_uuid(), std::string(action), now, std::move(detail)}, changes));
    LIFEBOAT_ASSIGN_OR_RETURN(auto stored, t.get_profile(key));
    out = *stored;
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return out;
}

}  // namespace

Result<Profile> Registry::set_replication(const ProfileKey& key, bool enabled) {
  return update_profile(store_, clock_, key, enabled ? "ReplicationEnabled" : "ReplicationDisabled",
                        core::Json{{"replication", enabled}}, [&](Profile& p) {
                          if (p.replication == enabled) return false;
                          p.replication = enabled;
                          return true;
                        });
}

Result<Profile> Registry::record_result(const ProfileKey& key, const core::ReplicationResult& r) {
  core::Json detail{
      {"replication_status", r.status},           {"bytes_written", r.bytes_written},
      {"bytes_transferred", r.bytes_transferred}, {"files_transferred", r.files_transferred},
      {"total_duration_ms", r.duration_ms},       {"execution_id", r.execution_id}};
  // The result lands on the profile row and in the transfers table in one transaction.
  auto log_transfer = [&](StoreTransaction& t) -> Status {
    store::TransferRecord record{0, key, r, core::format_rfc3339(clock_.now())};
    return t.append_transfer(record).status();
  };
  return update_profile(
      store_, clock_, key, "ReplicationResult", std::move(detail),
      [&](Profile& p) {
        p.last_replication = r;
        return true;
      },
      log_transfer);
}

Status Registry::note_platform_created_at(const ProfileKey& key, std::string_view created_at) {
  return store_.transact([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto existing, t.get_profile(key));
    if (!existing) return Status::not_found(fmt::format("profile {} is unknown", key.to_string()));
    if (existing->platform_created_at == created_at) return Status::ok();
    existing->platform_created_at = std::string(created_at);
    existing->updated_at.clear();
    return t.put_profile(*existing);
  });
}

Result<Profile> Registry::add_target(const ProfileKey& source, const ProfileKey& target) {
  LIFEBOAT_RETURN_IF_ERROR(validate_key(source, "src-"));
  LIFEBOAT_RETURN_IF_ERROR(validate_key(target, "target-"));
  if (source == target) {
    return Status::invalid_argument(
        fmt::format("source and target are the same profile {}", source.to_string()));
  }
  Profile out;
  Status st = store_.transact([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto src, t.get_profile(source));
    if (!src) {
      return Status::not_found(fmt::format(
          "source profile {} is unknown; check `lifeboat profiles list`", source.to_string()));
    }
    if (!src->home) {
      return Status::not_found(fmt::format(
          "source profile {} has no recorded home location to copy from", source.to_string()));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(auto existing, t.get_profile(target));
    if (existing) {
      return Status::failed_precondition(fmt::format(
          "target profile {} already exists ({}); add-target only names a profile that is not "
          "created yet",
          target.to_string(), core::profile_status_name(existing->status)));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(auto domain, t.find_domain_by_name(target.domain_name));
    out = Profile{};
    out.key = target;
    out.domain_id = domain ? domain->id : "";
    out.pending_source = src->home;
    out.status = core::ProfileStatus::kPending;
    std::string now = core::format_rfc3339(clock_.now());
    core::Json detail{{"source", core::profile_to_json(*src)}};
    std::vector<std::int64_t> changes;
    LIFEBOAT_RETURN_IF_ERROR(write_profile(
        t, std::nullopt, out, {"admin-" + core::new_uuid(), "AddTarget", now, detail}, changes));
    LIFEBOAT_ASSIGN_OR_RETURN(auto stored, t.get_profile(target));
    out = *stored;
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return out;
}

}  // namespace lifeboat::registry

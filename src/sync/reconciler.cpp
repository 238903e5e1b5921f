#include "sync/reconciler.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <tuple>

#include "core/profile_event.h"
#include "core/time_format.h"

namespace lifeboat::sync {

using core::Result;
using core::Status;

namespace {

using Key = std::tuple<std::string, core::ProfileKind, std::string>;

Key key_of(const core::ProfileKey& k) { return {k.domain_name, k.kind, k.name}; }

core::EventType create_type(core::ProfileKind kind) {
  return kind == core::ProfileKind::kUser ? core::EventType::kCreateUserProfile
                                          : core::EventType::kCreateSpace;
}
core::EventType delete_type(core::ProfileKind kind) {
  return kind == core::ProfileKind::kUser ? core::EventType::kDeleteUserProfile
                                          : core::EventType::kDeleteSpace;
}

// The time an event the platform dated (its CreationTime) carries; now when it did not.
core::Clock::WallTime dated(const std::string& created_at, core::Clock::WallTime now) {
  if (created_at.empty()) return now;
  auto t = core::parse_rfc3339(created_at);
  return t.is_ok() ? *t : now;
}

// A deletion the listing noticed happened after the last event applied to the thing and
// no later than now: dated just after that event, so a recreation dated before now is
// not made stale by it.
core::Clock::WallTime just_after(const std::string& last_event_time, core::Clock::WallTime now) {
  auto t = core::parse_rfc3339(last_event_time);
  if (!t.is_ok()) return now;
  return std::min(*t + std::chrono::milliseconds(1), now);
}

}  // namespace

// The state of one run(): what the registry held at the start, and the report.
struct Reconciler::Pass {
  Reconciler& r;
  SyncReport report;
  std::vector<core::Domain> registry_domains;
  std::map<Key, core::Profile> registry_profiles;
  core::Clock::WallTime now;

  std::string prefix() const {
    return std::string(r.options_.mode == SyncMode::kSeed ? core::kSeedEventPrefix
                                                          : core::kReconcileEventPrefix);
  }

  core::ProfileEvent event(core::EventType type, const std::string& domain_id,
                           const std::string& domain_name, const std::string& name,
                           const std::string& id_tail, core::Clock::WallTime time) const {
    core::ProfileEvent e;
    e.type = type;
    e.id = fmt::format("{}{}:{}{}{}:{}", prefix(), core::event_type_name(type), domain_id,
                       name.empty() ? "" : ":", name, id_tail);
    e.time = time;
    e.domain_id = domain_id;
    e.domain_name = domain_name;
    e.profile_name = name;
    e.source = std::string(r.catalog_.source());
    return e;
  }

  // Applies `e` (unless planning) and reports it.
  Status apply(const core::ProfileEvent& e, SyncItem item) {
    if (r.options_.dry_run) {
      item.outcome = "planned";
    } else {
      LIFEBOAT_ASSIGN_OR_RETURN(auto applied, r.registry_.apply(e));
      item.outcome = std::string(registry::apply_outcome_name(applied.outcome));
      item.message = applied.message;
    }
    report.items.push_back(std::move(item));
    return Status::ok();
  }

  void note(SyncItem item) { report.items.push_back(std::move(item)); }

  Status load_registry() {
    return r.store_.read([&](store::StoreTransaction& t) -> Status {
      LIFEBOAT_ASSIGN_OR_RETURN(registry_domains, t.list_domains());
      LIFEBOAT_ASSIGN_OR_RETURN(auto profiles, t.list_profiles({}));
      for (auto& p : profiles) registry_profiles.emplace(key_of(p.key), std::move(p));
      return Status::ok();
    });
  }

  const core::Domain* registry_domain(const std::string& id) const {
    for (const auto& d : registry_domains) {
      if (d.id == id) return &d;
    }
    return nullptr;
  }

  // The domain's home volume: the registry's, else the platform's (recording the domain).
  // Empty when the platform cannot say yet or the domain went away meanwhile.
  Result<std::string> domain_volume(const platform::PlatformDomain& d) {
    const core::Domain* known = registry_domain(d.id);
    if (known && known->status == core::DomainStatus::kActive && !known->home_volume_id.empty())
      return known->home_volume_id;
    ++report.describes;
    LIFEBOAT_ASSIGN_OR_RETURN(auto described, r.catalog_.describe_domain(d.id));
    if (!described) return std::string();
    SyncItem item{"domain", d.id, d.name, "", "", described->home_volume_id, "", ""};
    if (described->home_volume_id.empty()) {
      item.action = "pending";
      item.message = fmt::format("status {}: no home volume yet", described->status);
      note(std::move(item));
      return std::string();
    }
    const std::string created_at =
        described->created_at.empty() ? d.created_at : described->created_at;
    core::ProfileEvent e = event(core::EventType::kCreateDomain, d.id, d.name, "", ":" + created_at,
                                 dated(created_at, now));
    e.home_volume_id = described->home_volume_id;
    item.action = known ? "recreated" : "recorded";
    LIFEBOAT_RETURN_IF_ERROR(apply(e, std::move(item)));
    return described->home_volume_id;
  }

  Status profile(const platform::PlatformDomain& d, const std::string& volume,
                 const platform::PlatformProfile& p) {
    const Key key{d.name, p.kind, p.name};
    auto it = registry_profiles.find(key);
    const core::Profile* known = it == registry_profiles.end() ? nullptr : &it->second;
    const bool active_here =
        known && known->status == core::ProfileStatus::kActive && known->domain_id == d.id;
    SyncItem item{
        std::string(core::profile_kind_name(p.kind)), d.id, d.name, p.name, "", "", "", ""};
    if (active_here && !known->platform_created_at.empty() &&
        known->platform_created_at == p.created_at) {
      item.action = "unchanged";
      item.home = known->home ? known->home->to_string() : "";
      note(std::move(item));
      return Status::ok();
    }
    ++report.describes;
    LIFEBOAT_ASSIGN_OR_RETURN(auto described, r.catalog_.describe_profile(d.id, p.kind, p.name));
    if (!described) return Status::ok();  // deleted meanwhile: the next pass sees it gone
    if (!described->home_dir || !platform::is_in_service(described->status)) {
      item.action = "pending";
      item.message = fmt::format("status {}{}", described->status,
                                 described->home_dir ? "" : ": no home uid yet");
      note(std::move(item));
      return Status::ok();
    }
    const core::HomeLocation home{volume, *described->home_dir};
    item.home = home.to_string();
    const std::string created_at =
        described->created_at.empty() ? p.created_at : described->created_at;
    if (active_here && known->home == home) {
      // Recorded already (from an event that did not carry the creation time): note it,
      // so the next pass need not ask again.
      item.action = "unchanged";
      if (!r.options_.dry_run && !created_at.empty()) {
        LIFEBOAT_RETURN_IF_ERROR(r.registry_.note_platform_created_at(known->key, created_at));
      }
      note(std::move(item));
      return Status::ok();
    }
    core::ProfileEvent e =
        event(create_type(p.kind), d.id, d.name, p.name, ":" + created_at, dated(created_at, now));
    e.home = home;
    e.platform_created_at = created_at;
    item.action =
        known && known->status != core::ProfileStatus::kPending ? "recreated" : "recorded";
    return apply(e, std::move(item));
  }

  Status gone_profiles(const platform::PlatformDomain& d, const std::set<Key>& listed) {
    for (const auto& [key, known] : registry_profiles) {
      if (known.domain_id != d.id || known.status != core::ProfileStatus::kActive) continue;
      if (listed.contains(key)) continue;
      const std::string incarnation =
          known.platform_created_at.empty() ? known.last_event_time : known.platform_created_at;
      core::ProfileEvent e =
          event(delete_type(known.key.kind), d.id, known.key.domain_name, known.key.name,
                ":" + incarnation, just_after(known.last_event_time, now));
      SyncItem item{std::string(core::profile_kind_name(known.key.kind)),
                    d.id,
                    d.name,
                    known.key.name,
                    "deleted",
                    known.home ? known.home->to_string() : "",
                    "",
                    ""};
      LIFEBOAT_RETURN_IF_ERROR(apply(e, std::move(item)));
    }
    return Status::ok();
  }

  Status domain(const platform::PlatformDomain& d) {
    LIFEBOAT_ASSIGN_OR_RETURN(std::string volume, domain_volume(d));
    if (volume.empty()) return Status::ok();
    LIFEBOAT_ASSIGN_OR_RETURN(auto profiles, r.catalog_.list_profiles(d.id));
    report.profiles_listed += static_cast<int>(profiles.size());
    std::set<Key> listed;
    for (const auto& p : profiles) {
      if (platform::is_deleting(p.status)) continue;
      listed.insert({d.name, p.kind, p.name});
      LIFEBOAT_RETURN_IF_ERROR(profile(d, volume, p));
    }
    return gone_profiles(d, listed);
  }

  Status gone_domains(const std::set<std::string>& listed) {
    for (const core::Domain& known : registry_domains) {
      if (known.status != core::DomainStatus::kActive || listed.contains(known.id)) continue;
      if (!r.watched(known.id, known.name)) continue;
      // After the last event applied to the domain or to any profile still in it.
      std::string last = known.last_event_time;
      for (const auto& entry : registry_profiles) {
        const core::Profile& p = entry.second;
        if (p.domain_id == known.id && p.last_event_time > last) last = p.last_event_time;
      }
      core::ProfileEvent e = event(core::EventType::kDeleteDomain, known.id, known.name, "",
                                   ":" + known.last_event_time, just_after(last, now));
      SyncItem item{"domain", known.id, known.name, "", "deleted", known.home_volume_id, "", ""};
      LIFEBOAT_RETURN_IF_ERROR(apply(e, std::move(item)));
    }
    return Status::ok();
  }
};

bool Reconciler::watched(const std::string& id, const std::string& name) const {
  if (options_.domains.empty()) return true;
  for (const auto& w : options_.domains) {
    if (w == id || w == name) return true;
  }
  return false;
}

Result<SyncReport> Reconciler::run() {
  Pass pass{*this, {}, {}, {}, clock_.now()};
  LIFEBOAT_RETURN_IF_ERROR(pass.load_registry());
  LIFEBOAT_ASSIGN_OR_RETURN(auto domains, catalog_.list_domains());
  pass.report.domains_listed = static_cast<int>(domains.size());
  std::set<std::string> listed;
  for (const auto& d : domains) {
    if (!watched(d.id, d.name) || platform::is_deleting(d.status)) continue;
    listed.insert(d.id);
    LIFEBOAT_RETURN_IF_ERROR(pass.domain(d).with_context(fmt::format("domain {}", d.id)));
  }
  // Last: a domain recreated under its old name has taken its profiles over by now.
  LIFEBOAT_RETURN_IF_ERROR(pass.gone_domains(listed));
  return std::move(pass.report);
}

core::Json sync_report_to_json(const SyncReport& report, bool changes_only) {
  core::Json items = core::Json::array();
  std::map<std::string, int> summary;
  for (const auto& i : report.items) {
    ++summary[i.action];
    if (changes_only && i.action == "unchanged") continue;
    core::Json j{{"type", i.what},       {"domain_id", i.domain_id}, {"domain_name", i.domain_name},
                 {"name", i.name},       {"action", i.action},       {"home", i.home},
                 {"outcome", i.outcome}, {"message", i.message}};
    items.push_back(std::move(j));
  }
  return core::Json{{"items", items},
                    {"summary", summary},
                    {"domains_listed", report.domains_listed},
                    {"profiles_listed", report.profiles_listed},
                    {"describes", report.describes}};
}

}  // namespace lifeboat::sync

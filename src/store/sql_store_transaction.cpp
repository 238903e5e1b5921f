#include "store/sql_store_transaction.h"

#include <fmt/format.h>

#include "core/time_format.h"
#include "store/page.h"
#include "store/schema_migrations.h"

namespace lifeboat::store {
namespace {

using core::Result;
using core::Status;

constexpr std::string_view kProfileColumns =
    "domain_name, kind, name, domain_id, home_volume_id, home_dir_name, owner_uid, owner_gid, "
    "replication, pending_source_volume_id, pending_source_dir_name, status, "
    "last_replication_status, last_bytes_written, last_bytes_transferred, "
    "last_files_transferred, last_duration_ms, last_execution_id, last_event_time, updated_at, "
    "platform_created_at";

Result<core::Profile> profile_from_row(const SqlRow& r) {
  core::Profile p;
  p.key.domain_name = r.text(0);
  LIFEBOAT_ASSIGN_OR_RETURN(p.key.kind, core::parse_profile_kind(r.text(1), "profiles.kind"));
  p.key.name = r.text(2);
  p.domain_id = r.text(3);
  if (!r.is_null(4)) p.home = core::HomeLocation{r.text(4), r.text(5)};
  p.owner_uid = r.optional_integer(6);
  p.owner_gid = r.optional_integer(7);
  p.replication = r.integer(8) != 0;
  if (!r.is_null(9)) p.pending_source = core::HomeLocation{r.text(9), r.text(10)};
  LIFEBOAT_ASSIGN_OR_RETURN(p.status, core::parse_profile_status(r.text(11)));
  if (!r.is_null(12)) {
    core::ReplicationResult res;
    res.status = r.text(12);
    res.bytes_written = r.integer(13);
    res.bytes_transferred = r.integer(14);
    res.files_transferred = r.integer(15);
    res.duration_ms = r.integer(16);
    res.execution_id = r.text(17);
    p.last_replication = res;
  }
  p.last_event_time = r.text(18);
  p.updated_at = r.text(19);
  p.platform_created_at = r.optional_text(20).value_or("");
  return p;
}

Result<core::Domain> domain_from_row(const SqlRow& r) {
  core::Domain d;
  d.id = r.text(0);
  d.name = r.text(1);
  d.home_volume_id = r.text(2);
  LIFEBOAT_ASSIGN_OR_RETURN(d.status, core::parse_domain_status(r.text(3)));
  d.last_event_time = r.text(4);
  return d;
}

SqlValue image_text(const std::optional<core::Profile>& p) {
  if (!p) return nullptr;
  return core::profile_to_json(*p).dump();
}

Result<std::optional<core::Profile>> image_from_text(const std::optional<std::string>& text) {
  if (!text) return std::optional<core::Profile>{};
  LIFEBOAT_ASSIGN_OR_RETURN(core::Json j, core::parse_json(*text, "a change image"));
  LIFEBOAT_ASSIGN_OR_RETURN(core::Profile p, core::profile_from_json(j));
  return std::optional<core::Profile>{std::move(p)};
}

std::vector<SqlValue> key_params(const core::ProfileKey& key) {
  return {key.domain_name, std::string(core::profile_kind_name(key.kind)), key.name};
}

constexpr std::string_view kHistoryColumns =
    "seq, event_id, event_type, event_time, recorded_at, outcome, detail";

Result<HistoryEntry> history_from_row(const SqlRow& r, const core::ProfileKey& key) {
  HistoryEntry e;
  e.seq = r.integer(0);
  e.event_id = r.text(1);
  e.event_type = r.text(2);
  e.event_time = r.text(3);
  e.recorded_at = r.text(4);
  e.key = key;
  e.outcome = r.text(5);
  LIFEBOAT_ASSIGN_OR_RETURN(e.detail, core::parse_json(r.text(6), "a history row's detail"));
  return e;
}

// The sort key of each profile order. With a domain filter the domain is the same on
// every row, so it leaves the key and the (domain_name, ...) indexes of migration 7 serve
// the sort; text keys compare as bytes (COLLATE "C") on both backends.
std::vector<SortColumn> profile_sort_keys(ProfileSort sort, bool one_domain) {
  constexpr SortColumn kName{R"(name COLLATE "C")", KeyType::kText};
  constexpr SortColumn kDomain{R"(domain_name COLLATE "C")", KeyType::kText};
  constexpr SortColumn kKind{"kind", KeyType::kText};
  constexpr SortColumn kUpdated{R"(updated_at COLLATE "C")", KeyType::kText};
  const bool by_name = sort == ProfileSort::kName || sort == ProfileSort::kNameDesc;
  if (by_name) {
    if (one_domain) return {kName, kKind};
    return {kName, kDomain, kKind};
  }
  if (one_domain) return {kUpdated, kKind, kName};
  return {kUpdated, kDomain, kKind, kName};
}

// The smallest text above every text that starts with `prefix`, compared as bytes: the
// prefix followed by U+10FFFF, the highest code point (UTF-8 F4 8F BF BF). A range on the
// name index instead of LIKE: no wildcard in the input means anything.
std::string prefix_upper_bound(const std::string& prefix) { return prefix + "\xF4\x8F\xBF\xBF"; }

}  // namespace

std::string SqlStoreTransaction::now() const { return core::format_rfc3339(clock_.now()); }

Status SqlStoreTransaction::put_volume(const core::Volume& v) {
  auto r = session_.execute(
      "INSERT INTO volumes (id, mount_path, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (id) DO UPDATE SET mount_path = excluded.mount_path, "
      "updated_at = excluded.updated_at",
      {v.id, v.mount_path, now()});
  return r.status();
}

Result<std::optional<core::Volume>> SqlStoreTransaction::get_volume(std::string_view id) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      session_.query("SELECT id, mount_path FROM volumes WHERE id = ?", {std::string(id)}));
  if (rows.empty()) return std::optional<core::Volume>{};
  return std::optional<core::Volume>{core::Volume{rows[0].text(0), rows[0].text(1)}};
}

Result<std::vector<core::Volume>> SqlStoreTransaction::list_volumes() {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                            session_.query("SELECT id, mount_path FROM volumes ORDER BY id", {}));
  std::vector<core::Volume> out;
  for (const SqlRow& r : rows) out.push_back({r.text(0), r.text(1)});
  return out;
}

Status SqlStoreTransaction::put_domain(const core::Domain& d) {
  auto r = session_.execute(
      "INSERT INTO domains (id, name, home_volume_id, status, last_event_time, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
      "home_volume_id = excluded.home_volume_id, status = excluded.status, "
      "last_event_time = excluded.last_event_time, updated_at = excluded.updated_at",
      {d.id, d.name, d.home_volume_id, std::string(core::domain_status_name(d.status)),
       d.last_event_time, now()});
  return r.status();
}

Result<std::optional<core::Domain>> SqlStoreTransaction::get_domain(std::string_view id) {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, session_.query("SELECT id, name, home_volume_id, status, "
                                                      "last_event_time FROM domains WHERE id = ?",
                                                      {std::string(id)}));
  if (rows.empty()) return std::optional<core::Domain>{};
  LIFEBOAT_ASSIGN_OR_RETURN(core::Domain d, domain_from_row(rows[0]));
  return std::optional<core::Domain>{std::move(d)};
}

Result<std::optional<core::Domain>> SqlStoreTransaction::find_domain_by_name(
    std::string_view name) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      session_.query("SELECT id, name, home_volume_id, status, last_event_time FROM domains "
                     "WHERE name = ? ORDER BY CASE WHEN status = 'active' THEN 0 ELSE 1 END, "
                     "updated_at DESC, id LIMIT 1",
                     {std::string(name)}));
  if (rows.empty()) return std::optional<core::Domain>{};
  LIFEBOAT_ASSIGN_OR_RETURN(core::Domain d, domain_from_row(rows[0]));
  return std::optional<core::Domain>{std::move(d)};
}

Result<std::vector<core::Domain>> SqlStoreTransaction::list_domains() {
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                            session_.query("SELECT id, name, home_volume_id, status, "
                                           "last_event_time FROM domains ORDER BY name, id",
                                           {}));
  std::vector<core::Domain> out;
  for (const SqlRow& r : rows) {
    LIFEBOAT_ASSIGN_OR_RETURN(core::Domain d, domain_from_row(r));
    out.push_back(std::move(d));
  }
  return out;
}

Status SqlStoreTransaction::put_profile(const core::Profile& p) {
  std::vector<SqlValue> params = key_params(p.key);
  params.emplace_back(p.domain_id);
  params.push_back(sql_optional(p.home ? std::optional(p.home->volume_id) : std::nullopt));
  params.push_back(sql_optional(p.home ? std::optional(p.home->dir_name) : std::nullopt));
  params.push_back(sql_optional(p.owner_uid));
  params.push_back(sql_optional(p.owner_gid));
  params.emplace_back(static_cast<std::int64_t>(p.replication ? 1 : 0));
  params.push_back(
      sql_optional(p.pending_source ? std::optional(p.pending_source->volume_id) : std::nullopt));
  params.push_back(
      sql_optional(p.pending_source ? std::optional(p.pending_source->dir_name) : std::nullopt));
  params.emplace_back(std::string(core::profile_status_name(p.status)));
  const auto& lr = p.last_replication;
  params.push_back(sql_optional(lr ? std::optional(lr->status) : std::nullopt));
  params.push_back(sql_optional(lr ? std::optional(lr->bytes_written) : std::nullopt));
  params.push_back(sql_optional(lr ? std::optional(lr->bytes_transferred) : std::nullopt));
  params.push_back(sql_optional(lr ? std::optional(lr->files_transferred) : std::nullopt));
  params.push_back(sql_optional(lr ? std::optional(lr->duration_ms) : std::nullopt));
  params.push_back(sql_optional(lr ? std::optional(lr->execution_id) : std::nullopt));
  params.emplace_back(p.last_event_time);
  params.emplace_back(p.updated_at.empty() ? now() : p.updated_at);
  params.push_back(sql_optional(
      p.platform_created_at.empty() ? std::nullopt : std::optional(p.platform_created_at)));
  static const std::string kSql = fmt::format(
      "INSERT INTO profiles ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?) ON CONFLICT (domain_name, kind, name) DO UPDATE SET domain_id = "
      "excluded.domain_id, home_volume_id = excluded.home_volume_id, home_dir_name = "
      "excluded.home_dir_name, owner_uid = excluded.owner_uid, owner_gid = excluded.owner_gid, "
      "replication = excluded.replication, pending_source_volume_id = "
      "excluded.pending_source_volume_id, pending_source_dir_name = "
      "excluded.pending_source_dir_name, status = excluded.status, last_replication_status = "
      "excluded.last_replication_status, last_bytes_written = excluded.last_bytes_written, "
      "last_bytes_transferred = excluded.last_bytes_transferred, last_files_transferred = "
      "excluded.last_files_transferred, last_duration_ms = excluded.last_duration_ms, "
      "last_execution_id = excluded.last_execution_id, last_event_time = "
      "excluded.last_event_time, updated_at = excluded.updated_at, platform_created_at = "
      "excluded.platform_created_at",
      kProfileColumns);
  return session_.execute(kSql, params).status();
}

Result<std::optional<core::Profile>> SqlStoreTransaction::get_profile(const core::ProfileKey& key) {
  static const std::string kSql = fmt::format(
      "SELECT {} FROM profiles WHERE domain_name = ? AND kind = ? AND name = ?", kProfileColumns);
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, session_.query(kSql, key_params(key)));
  if (rows.empty()) return std::optional<core::Profile>{};
  LIFEBOAT_ASSIGN_OR_RETURN(core::Profile p, profile_from_row(rows[0]));
  return std::optional<core::Profile>{std::move(p)};
}

Result<std::vector<core::Profile>> SqlStoreTransaction::list_profiles(const ProfileFilter& f) {
  // Only the conditions the filter sets are in the statement, so the planner can use the
  // index that fits (a "NULL switches it off" condition hides every index from SQLite, and
  // the registry's check for a home held by another profile scanned the whole table).
  std::string sql = fmt::format("SELECT {} FROM profiles WHERE 1 = 1", kProfileColumns);
  std::vector<SqlValue> params;
  if (f.domain_name) {
    sql += " AND domain_name = ?";
    params.emplace_back(*f.domain_name);
  }
  if (f.domain_id) {
    sql += " AND domain_id = ?";
    params.emplace_back(*f.domain_id);
  }
  if (f.home) {
    sql += " AND home_volume_id = ? AND home_dir_name = ?";
    params.emplace_back(f.home->volume_id);
    params.emplace_back(f.home->dir_name);
  }
  sql += " ORDER BY domain_name, kind, name";
  LIFEBOAT_ASSIGN_OR_RETURN(auto rows, session_.query(sql, params));
  std::vector<core::Profile> out;
  for (const SqlRow& r : rows) {
    LIFEBOAT_ASSIGN_OR_RETURN(core::Profile p, profile_from_row(r));
    out.push_back(std::move(p));
  }
  return out;
}

Result<Page<core::Profile>> SqlStoreTransaction::list_profiles_page(const ProfileQuery& f,
                                                                    const PageRequest& page) {
  KeysetQuery q;
  q.scope = "profiles;" + scope_part("sort", profile_sort_name(f.sort));
  q.columns = std::string(kProfileColumns);
  q.from = "profiles";
  if (f.domain_name) {
    q.scope += scope_part("domain", *f.domain_name);
    q.conditions.emplace_back("domain_name = ?");
    q.params.emplace_back(*f.domain_name);
  }
  if (f.kind) {
    q.scope += scope_part("kind", core::profile_kind_name(*f.kind));
    q.conditions.emplace_back("kind = ?");
    q.params.emplace_back(std::string(core::profile_kind_name(*f.kind)));
  }
  if (f.status) {
    q.scope += scope_part("status", core::profile_status_name(*f.status));
    q.conditions.emplace_back("status = ?");
    q.params.emplace_back(std::string(core::profile_status_name(*f.status)));
  }
  if (f.replication) {
    q.scope += scope_part("replication", *f.replication ? "on" : "off");
    q.conditions.emplace_back("replication = ?");
    q.params.emplace_back(static_cast<std::int64_t>(*f.replication ? 1 : 0));
  }
  if (!f.name_prefix.empty()) {
    if (f.name_prefix.size() > kMaxNamePrefixLength) {
      return Status::invalid_argument(
          fmt::format("parameter 'prefix' is longer than {} bytes; no profile name is that long",
                      kMaxNamePrefixLength));
    }
    q.scope += scope_part("prefix", f.name_prefix);
    q.conditions.emplace_back(R"(name COLLATE "C" >= ?)");
    q.conditions.emplace_back(R"(name COLLATE "C" < ?)");
    q.params.emplace_back(f.name_prefix);
    q.params.emplace_back(prefix_upper_bound(f.name_prefix));
  }
  q.keys = profile_sort_keys(f.sort, f.domain_name.has_value());
  q.descending = f.sort == ProfileSort::kNameDesc || f.sort == ProfileSort::kUpdatedDesc;
  LIFEBOAT_ASSIGN_OR_RETURN(Page<SqlRow> rows, run_keyset_query(session_, q, page));
  Page<core::Profile> out;
  out.next_cursor = std::move(rows.next_cursor);
  out.items.reserve(rows.items.size());
  for (const SqlRow& r : rows.items) {
    LIFEBOAT_ASSIGN_OR_RETURN(core::Profile p, profile_from_row(r));
    out.items.push_back(std::move(p));
  }
  return out;
}

Result<std::int64_t> SqlStoreTransaction::append_history(const HistoryEntry& e) {
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t seq, next_counter(session_, "profile_history"));
  std::vector<SqlValue> params{seq, e.event_id, e.event_type, e.event_time,
                               e.recorded_at.empty() ? now() : e.recorded_at};
  for (SqlValue& v : key_params(e.key)) params.push_back(std::move(v));
  params.emplace_back(e.outcome);
  params.emplace_back(e.detail.dump());
  auto r = session_.execute(
      "INSERT INTO profile_history (seq, event_id, event_type, event_time, recorded_at, "
      "domain_name, kind, name, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      params);
  if (!r.is_ok()) return r.status();
  return seq;
}

Result<std::vector<HistoryEntry>> SqlStoreTransaction::list_history(const core::ProfileKey& key) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      session_.query(fmt::format("SELECT {} FROM profile_history WHERE domain_name = ? AND "
                                 "kind = ? AND name = ? ORDER BY seq",
                                 kHistoryColumns),
                     key_params(key)));
  std::vector<HistoryEntry> out;
  for (const SqlRow& r : rows) {
    LIFEBOAT_ASSIGN_OR_RETURN(HistoryEntry e, history_from_row(r, key));
    out.push_back(std::move(e));
  }
  return out;
}

Result<Page<HistoryEntry>> SqlStoreTransaction::list_history_page(const core::ProfileKey& key,
                                                                  HistorySort sort,
                                                                  const PageRequest& page) {
  KeysetQuery q;
  q.scope = "history;" + scope_part("domain", key.domain_name) +
            scope_part("kind", core::profile_kind_name(key.kind)) + scope_part("name", key.name) +
            scope_part("sort", history_sort_name(sort));
  q.columns = std::string(kHistoryColumns);
  q.from = "profile_history";
  q.conditions = {"domain_name = ?", "kind = ?", "name = ?"};
  q.params = key_params(key);
  q.keys = {{"seq", KeyType::kInteger}};
  q.descending = sort == HistorySort::kNewestFirst;
  LIFEBOAT_ASSIGN_OR_RETURN(Page<SqlRow> rows, run_keyset_query(session_, q, page));
  Page<HistoryEntry> out;
  out.next_cursor = std::move(rows.next_cursor);
  for (const SqlRow& r : rows.items) {
    LIFEBOAT_ASSIGN_OR_RETURN(HistoryEntry e, history_from_row(r, key));
    out.items.push_back(std::move(e));
  }
  return out;
}

Result<std::int64_t> SqlStoreTransaction::append_change(const Change& c) {
  LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t seq, next_counter(session_, "changes"));
  std::vector<SqlValue> params{seq, c.event_id};
  for (SqlValue& v : key_params(c.key)) params.push_back(std::move(v));
  params.emplace_back(std::string(change_op_name(c.op)));
  params.push_back(image_text(c.old_image));
  params.push_back(image_text(c.new_image));
  params.emplace_back(c.created_at.empty() ? now() : c.created_at);
  auto r = session_.execute(
      "INSERT INTO changes (seq, event_id, domain_name, kind, name, operation, old_image, "
      "new_image, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      params);
  if (!r.is_ok()) return r.status();
  return seq;
}

Result<std::vector<Change>> SqlStoreTransaction::read_changes(std::int64_t after_seq,
                                                              std::int64_t limit) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      session_.query("SELECT seq, event_id, domain_name, kind, name, operation, old_image, "
                     "new_image, created_at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                     {after_seq, limit}));
  std::vector<Change> out;
  for (const SqlRow& r : rows) {
    Change c;
    c.seq = r.integer(0);
    c.event_id = r.text(1);
    c.key.domain_name = r.text(2);
    LIFEBOAT_ASSIGN_OR_RETURN(c.key.kind, core::parse_profile_kind(r.text(3), "changes.kind"));
    c.key.name = r.text(4);
    LIFEBOAT_ASSIGN_OR_RETURN(c.op, parse_change_op(r.text(5)));
    LIFEBOAT_ASSIGN_OR_RETURN(c.old_image, image_from_text(r.optional_text(6)));
    LIFEBOAT_ASSIGN_OR_RETURN(c.new_image, image_from_text(r.optional_text(7)));
    c.created_at = r.text(8);
    out.push_back(std::move(c));
  }
  return out;
}

Result<bool> SqlStoreTransaction::is_event_processed(std::string_view event_id) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      session_.query("SELECT 1 FROM processed_events WHERE event_id = ?", {std::string(event_id)}));
  return !rows.empty();
}

Status SqlStoreTransaction::record_processed_event(std::string_view event_id,
                                                   std::string_view outcome) {
  auto r = session_.execute(
      "INSERT INTO processed_events (event_id, outcome, processed_at) VALUES (?, ?, ?)",
      {std::string(event_id), std::string(outcome), now()});
  if (!r.is_ok() && r.status().code() == core::StatusCode::kAlreadyExists) {
    return Status::already_exists(fmt::format("event '{}' was processed already", event_id));
  }
  return r.status();
}

Result<std::int64_t> SqlStoreTransaction::consumer_checkpoint(std::string_view name) {
  LIFEBOAT_ASSIGN_OR_RETURN(
      auto rows,
      session_.query("SELECT last_seq FROM change_consumers WHERE name = ?", {std::string(name)}));
  if (rows.empty()) return std::int64_t{0};
  return rows[0].integer(0);
}

Status SqlStoreTransaction::set_consumer_checkpoint(std::string_view name, std::int64_t seq) {
  return session_
      .execute(
          "INSERT INTO change_consumers (name, last_seq, updated_at) VALUES (?, ?, ?) "
          "ON CONFLICT (name) DO UPDATE SET last_seq = excluded.last_seq, "
          "updated_at = excluded.updated_at",
          {std::string(name), seq, now()})
      .status();
}

Result<std::int64_t> SqlStoreTransaction::append_transfer(const TransferRecord& record) {
  return store::append_transfer(session_, record);
}

Result<std::vector<TransferRecord>> SqlStoreTransaction::list_transfers(std::int64_t limit) {
  return store::list_transfers(session_, limit);
}

Result<Page<TransferRecord>> SqlStoreTransaction::list_transfers_page(const TransferQuery& query,
                                                                      const PageRequest& page) {
  return store::list_transfers_page(session_, query, page);
}

Result<bool> SqlStoreTransaction::hold_event(const HeldEvent& event) {
  return store::hold_event(session_, event);
}

Result<bool> SqlStoreTransaction::is_event_held(std::string_view event_id) {
  return store::is_event_held(session_, event_id);
}

Result<std::vector<HeldEvent>> SqlStoreTransaction::due_held_events(std::string_view now,
                                                                    std::int64_t limit) {
  return store::due_held_events(session_, now, limit);
}

Result<std::vector<HeldEvent>> SqlStoreTransaction::list_held_events(std::int64_t limit) {
  return store::list_held_events(session_, limit);
}

Result<Page<HeldEvent>> SqlStoreTransaction::list_held_events_page(const PageRequest& page) {
  return store::list_held_events_page(session_, page);
}

Result<std::string> SqlStoreTransaction::next_held_attempt() {
  return store::next_held_attempt(session_);
}

Status SqlStoreTransaction::reschedule_held_event(std::string_view event_id,
                                                  std::string_view next_attempt_at,
                                                  std::int64_t attempts,
                                                  std::string_view last_error) {
  return store::reschedule_held_event(session_, event_id, next_attempt_at, attempts, last_error);
}

Status SqlStoreTransaction::release_held_event(std::string_view event_id) {
  return store::release_held_event(session_, event_id);
}

Result<std::vector<std::pair<std::string, std::int64_t>>> SqlStoreTransaction::table_row_counts() {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (std::string_view table : store_tables()) {
    // The names are the constants of store_tables(), never input.
    LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                              session_.query(fmt::format("SELECT COUNT(*) FROM {}", table), {}));
    out.emplace_back(std::string(table), rows.empty() ? 0 : rows[0].integer(0));
  }
  return out;
}

SqlSession& session_of(StoreTransaction& txn) {
  // Every Store of this module hands out SqlStoreTransactions (sqlite_store.cpp); a
  // different one here is a programming error, not a runtime condition.
  return dynamic_cast<SqlStoreTransaction&>(txn).session();
}

}  // namespace lifeboat::store

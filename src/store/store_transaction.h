// StoreTransaction: the typed operations of the store, valid only inside Store::transact
// or Store::read. Everything done through one StoreTransaction commits together or not at
// all. Not thread safe: used by the thread that runs the transaction's function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/profile.h"
#include "core/result.h"
#include "store/sql_session.h"
#include "store/store_records.h"

namespace lifeboat::store {

class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;

  //! The SQL session of this transaction, for stores built on top (e.g. executions).
  virtual SqlSession& sql() = 0;

  //! Adds a volume or replaces the mount path of an existing one.
  virtual core::Status put_volume(const core::Volume& volume) = 0;
  virtual core::Result<std::optional<core::Volume>> get_volume(std::string_view id) = 0;
  //! All volumes, ordered by id.
  virtual core::Result<std::vector<core::Volume>> list_volumes() = 0;

  //! Adds a domain or replaces the row with the same id.
  virtual core::Status put_domain(const core::Domain& domain) = 0;
  virtual core::Result<std::optional<core::Domain>> get_domain(std::string_view id) = 0;
  //! The domain named `name`: the active one if any, else the most recently updated.
  virtual core::Result<std::optional<core::Domain>> find_domain_by_name(std::string_view name) = 0;
  //! All domains, ordered by name then id.
  virtual core::Result<std::vector<core::Domain>> list_domains() = 0;

  //! Adds a profile or replaces the current row of its key. Sets nothing else: history
  //! and changes are appended explicitly, in the same transaction.
  virtual core::Status put_profile(const core::Profile& profile) = 0;
  virtual core::Result<std::optional<core::Profile>> get_profile(const core::ProfileKey& key) = 0;
  //! Profiles matching `filter`, ordered by domain name, kind, name.
  virtual core::Result<std::vector<core::Profile>> list_profiles(const ProfileFilter& filter) = 0;

  //! Appends a history row; returns its sequence number.
  virtual core::Result<std::int64_t> append_history(const HistoryEntry& entry) = 0;
  //! History of `key`, oldest first.
  virtual core::Result<std::vector<HistoryEntry>> list_history(const core::ProfileKey& key) = 0;

  //! Appends a change; returns its sequence number (increasing in commit order).
  virtual core::Result<std::int64_t> append_change(const Change& change) = 0;
  //! Up to `limit` changes with seq > after_seq, in seq order.
  virtual core::Result<std::vector<Change>> read_changes(std::int64_t after_seq,
                                                         std::int64_t limit) = 0;

  //! Whether event `event_id` was processed already.
  virtual core::Result<bool> is_event_processed(std::string_view event_id) = 0;
  //! Records that `event_id` was processed with `outcome`; AlreadyExists if it was.
  virtual core::Status record_processed_event(std::string_view event_id,
                                              std::string_view outcome) = 0;

  //! Last change seq consumer `name` has handled; 0 if it never checkpointed.
  virtual core::Result<std::int64_t> consumer_checkpoint(std::string_view name) = 0;
  virtual core::Status set_consumer_checkpoint(std::string_view name, std::int64_t seq) = 0;
};

}  // namespace lifeboat::store

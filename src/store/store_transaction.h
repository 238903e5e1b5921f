// StoreTransaction: the typed operations of the store, valid only inside Store::transact
// or Store::read. Everything done through one StoreTransaction commits together or not at
// all. Not thread safe: used by the thread that runs the transaction's function.
//
// This interface is the only door to the store's tables: nothing above the store module
// writes SQL (docs/architecture.md), so a new backend implements it and passes the
// conformance suite (store_conformance_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/profile.h"
#include "core/result.h"
#include "store/held_events.h"
#include "store/list_queries.h"
#include "store/page.h"
#include "store/store_records.h"
#include "store/transfer_log.h"

namespace lifeboat::store {

class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;

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
  //! One page of the profiles matching `query`, in its sort (page.h).
  virtual core::Result<Page<core::Profile>> list_profiles_page(const ProfileQuery& query,
                                                               const PageRequest& page) = 0;

  //! Appends a history row; returns its sequence number.
  virtual core::Result<std::int64_t> append_history(const HistoryEntry& entry) = 0;
  //! History of `key`, oldest first.
  virtual core::Result<std::vector<HistoryEntry>> list_history(const core::ProfileKey& key) = 0;
  //! One page of the history of `key`, in `sort` order.
  virtual core::Result<Page<HistoryEntry>> list_history_page(const core::ProfileKey& key,
                                                             HistorySort sort,
                                                             const PageRequest& page) = 0;

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

  //! Transfers (transfer_log.h). Appends `record` (seq is assigned and returned); the same
  //! execution's result recorded again replaces its row, so a re-run task leaves one row.
  virtual core::Result<std::int64_t> append_transfer(const TransferRecord& record) = 0;
  //! The newest `limit` transfers, newest first.
  virtual core::Result<std::vector<TransferRecord>> list_transfers(std::int64_t limit) = 0;
  //! One page of the transfers matching `query`, newest first.
  virtual core::Result<Page<TransferRecord>> list_transfers_page(const TransferQuery& query,
                                                                 const PageRequest& page) = 0;

  //! Held events (held_events.h). Holds `event`; false (and nothing changes) when an event
  //! with its id is held already.
  virtual core::Result<bool> hold_event(const HeldEvent& event) = 0;
  virtual core::Result<bool> is_event_held(std::string_view event_id) = 0;
  //! Up to `limit` held events whose next attempt is due at `now` (RFC 3339), soonest first.
  virtual core::Result<std::vector<HeldEvent>> due_held_events(std::string_view now,
                                                               std::int64_t limit) = 0;
  //! All held events (at most `limit`), soonest next attempt first.
  virtual core::Result<std::vector<HeldEvent>> list_held_events(std::int64_t limit) = 0;
  //! One page of the held events, soonest next attempt first (ties by event id).
  virtual core::Result<Page<HeldEvent>> list_held_events_page(const PageRequest& page) = 0;
  //! The earliest next attempt of any held event; empty when none is held.
  virtual core::Result<std::string> next_held_attempt() = 0;
  //! Records an attempt that did not complete `event_id`. NotFound if it is not held.
  virtual core::Status reschedule_held_event(std::string_view event_id,
                                             std::string_view next_attempt_at,
                                             std::int64_t attempts,
                                             std::string_view last_error) = 0;
  //! Removes `event_id` (applied or given up). Removing an event not held is no error.
  virtual core::Status release_held_event(std::string_view event_id) = 0;

  //! The number of rows in each of the store's tables, by table name (for `store status`
  //! and for tests that check a refused request wrote nothing).
  virtual core::Result<std::vector<std::pair<std::string, std::int64_t>>> table_row_counts() = 0;
};

}  // namespace lifeboat::store

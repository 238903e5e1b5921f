// SqlStoreTransaction: StoreTransaction written once in portable SQL over a SqlSession,
// so the SQLite and PostgreSQL stores share it. Borrows the session (the Store owns it
// and has already begun the transaction). Not thread safe.
#pragma once

#include "core/clock.h"
#include "store/sql_session.h"
#include "store/store_transaction.h"

namespace lifeboat::store {

class SqlStoreTransaction final : public StoreTransaction {
 public:
  //! `clock` stamps updated_at / recorded_at columns.
  SqlStoreTransaction(SqlSession& session, const core::Clock& clock)
      : session_(session), clock_(clock) {}

  //! The session, for the SQL stores built beside this one (sql_execution_store.cpp,
  //! migrations); never for code above the store module.
  SqlSession& session() { return session_; }

  core::Status put_volume(const core::Volume& volume) override;
  core::Result<std::optional<core::Volume>> get_volume(std::string_view id) override;
  core::Result<std::vector<core::Volume>> list_volumes() override;

  core::Status put_domain(const core::Domain& domain) override;
  core::Result<std::optional<core::Domain>> get_domain(std::string_view id) override;
  core::Result<std::optional<core::Domain>> find_domain_by_name(std::string_view name) override;
  core::Result<std::vector<core::Domain>> list_domains() override;

  core::Status put_profile(const core::Profile& profile) override;
  core::Result<std::optional<core::Profile>> get_profile(const core::ProfileKey& key) override;
  core::Result<std::vector<core::Profile>> list_profiles(const ProfileFilter& filter) override;
  core::Result<Page<core::Profile>> list_profiles_page(const ProfileQuery& query,
                                                       const PageRequest& page) override;

  core::Result<std::int64_t> append_history(const HistoryEntry& entry) override;
  core::Result<std::vector<HistoryEntry>> list_history(const core::ProfileKey& key) override;
  core::Result<Page<HistoryEntry>> list_history_page(const core::ProfileKey& key, HistorySort sort,
                                                     const PageRequest& page) override;

  core::Result<std::int64_t> append_change(const Change& change) override;
  core::Result<std::vector<Change>> read_changes(std::int64_t after_seq,
                                                 std::int64_t limit) override;

  core::Result<bool> is_event_processed(std::string_view event_id) override;
  core::Status record_processed_event(std::string_view event_id, std::string_view outcome) override;

  core::Result<std::int64_t> consumer_checkpoint(std::string_view name) override;
  core::Status set_consumer_checkpoint(std::string_view name, std::int64_t seq) override;

  core::Result<std::int64_t> append_transfer(const TransferRecord& record) override;
  core::Result<std::vector<TransferRecord>> list_transfers(std::int64_t limit) override;
  core::Result<Page<TransferRecord>> list_transfers_page(const TransferQuery& query,
                                                         const PageRequest& page) override;

  core::Result<bool> hold_event(const HeldEvent& event) override;
  core::Result<bool> is_event_held(std::string_view event_id) override;
  core::Result<std::vector<HeldEvent>> due_held_events(std::string_view now,
                                                       std::int64_t limit) override;
  core::Result<std::vector<HeldEvent>> list_held_events(std::int64_t limit) override;
  core::Result<Page<HeldEvent>> list_held_events_page(const PageRequest& page) override;
  core::Result<std::string> next_held_attempt() override;
  core::Status reschedule_held_event(std::string_view event_id, std::string_view next_attempt_at,
                                     std::int64_t attempts, std::string_view last_error) override;
  core::Status release_held_event(std::string_view event_id) override;

  core::Result<std::vector<std::pair<std::string, std::int64_t>>> table_row_counts() override;

 private:
  std::string now() const;

  SqlSession& session_;
  const core::Clock& clock_;
};

//! The SQL session of a transaction of a SQL store. Only for code inside the store module
//! (the execution store, migrations); every StoreTransaction a Store hands out is a
//! SqlStoreTransaction.
SqlSession& session_of(StoreTransaction& txn);

}  // namespace lifeboat::store

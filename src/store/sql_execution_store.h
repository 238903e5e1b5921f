// SqlExecutionStore: the ExecutionStore on any SQL Store (SQLite, PostgreSQL), in the
// portable SQL of sql_session.h, through Store::transact / Store::read. One class serves
// every backend because it only speaks SqlSession; the tables come from migration 2
// (kExecutionsMigrationSql, listed in schema_migrations.cpp).
//
// Thread safety: as the underlying Store (transactions run one at a time). Holds a
// reference to `store`, which must outlive it.
#pragma once

#include <string_view>

#include "store/execution_store.h"
#include "store/list_queries.h"
#include "store/page.h"
#include "store/store.h"

namespace lifeboat::store {

//! Migration 2: executions, execution_events, dead_letters.
extern const std::string_view kExecutionsMigrationSql;

class SqlExecutionStore final : public ExecutionStore {
 public:
  explicit SqlExecutionStore(Store& store) : store_(store) {}

  core::Status write(const ExecutionWrite& w) override;
  core::Result<std::optional<ExecutionRecord>> get_execution(const std::string& id) override;
  core::Result<std::vector<ExecutionRecord>> list_executions(
      const ExecutionFilter& filter) override;
  core::Result<std::vector<ExecutionEvent>> list_events(const std::string& id) override;

  core::Status add_dead_letter(const DeadLetter& letter) override;
  core::Result<std::vector<DeadLetter>> list_dead_letters() override;
  core::Result<std::optional<DeadLetter>> get_dead_letter(const std::string& id) override;
  core::Status mark_redriven(const std::string& id, const std::string& execution_id) override;

  //! One page of the top-level executions matching `query`, in its sort (page.h).
  core::Result<Page<ExecutionRecord>> list_executions_page(const ExecutionQuery& query,
                                                           const PageRequest& page);
  //! One page of the dead letters, newest first (ties by id, descending).
  core::Result<Page<DeadLetter>> list_dead_letters_page(const PageRequest& page);

 private:
  Store& store_;
};

}  // namespace lifeboat::store

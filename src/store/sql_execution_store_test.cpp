// Conformance suite of ExecutionStore, parameterised over a store factory like
// store_conformance_test.cpp: run on SQLite and on PostgreSQL.
#include "store/sql_execution_store.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "core/time_format.h"
#include "store/open_store.h"
#include "store/store_test_factories.h"

namespace lifeboat::store {
namespace {

template <typename Factory>
class ExecutionStoreConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = factory_.open();
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    executions_ = std::make_unique<SqlExecutionStore>(*store_);
  }

  static core::Clock::WallTime time(const std::string& text) {
    return core::parse_rfc3339(text).value();
  }

  static ExecutionRecord record(const std::string& id, const std::string& parent = "",
                                std::int64_t index = 0) {
    ExecutionRecord r;
    r.id = id;
    r.name = "name-" + id;
    r.parent_id = parent;
    r.branch_index = index;
    r.definition = R"({"StartAt":"A","States":{"A":{"Type":"Succeed"}}})";
    r.input = R"({"x":1})";
    r.cursor = R"({"phase":"enter"})";
    r.start_time = time("2026-01-01T00:00:0" + std::to_string(index) + ".000Z");
    return r;
  }

  Factory factory_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<SqlExecutionStore> executions_;
};

using ExecutionStoreTypes = ::testing::Types<SqliteFactory, PostgresFactory>;
TYPED_TEST_SUITE(ExecutionStoreConformance, ExecutionStoreTypes, FactoryNames);

TYPED_TEST(ExecutionStoreConformance, CreateReadAndAppendEvents) {
  ExecutionWrite w;
  w.creates.push_back(this->record("e1"));
  w.events.push_back({"e1", 0, 0, "ExecutionStarted", "2026-01-01T00:00:00.000Z", "{}"});
  w.events.push_back({"e1", 0, 0, "PassStateEntered", "2026-01-01T00:00:00.000Z", "{\"a\":1}"});
  ASSERT_TRUE(this->executions_->write(w).is_ok());
  auto got = this->executions_->get_execution("e1");
  ASSERT_TRUE(got.is_ok() && got->has_value());
  auto expected = this->record("e1");
  expected.version = 1;
  EXPECT_EQ(**got, expected);
  auto events = this->executions_->list_events("e1");
  ASSERT_TRUE(events.is_ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].id, 1);
  EXPECT_EQ((*events)[1].id, 2);
  EXPECT_EQ((*events)[1].previous_event_id, 1);
  EXPECT_EQ((*events)[1].type, "PassStateEntered");
  EXPECT_FALSE(this->executions_->get_execution("nope")->has_value());
}

TYPED_TEST(ExecutionStoreConformance, UpdateNeedsTheVersionItRead) {
  ExecutionWrite create;
  create.creates.push_back(this->record("e1"));
  ASSERT_TRUE(this->executions_->write(create).is_ok());
  auto row = this->executions_->get_execution("e1")->value();
  row.status = ExecutionStatus::kSucceeded;
  row.output = "{\"done\":true}";
  row.wake_at = this->time("2026-01-01T00:01:00.000Z");
  ExecutionWrite update;
  update.updates.push_back(row);
  update.events.push_back({"e1", 0, 0, "ExecutionSucceeded", "2026-01-01T00:00:01.000Z", "{}"});
  ASSERT_TRUE(this->executions_->write(update).is_ok());
  auto stale = this->executions_->write(update);  // same version again: refused, atomically
  EXPECT_EQ(stale.code(), core::StatusCode::kFailedPrecondition);
  auto got = this->executions_->get_execution("e1")->value();
  EXPECT_EQ(got.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(got.version, 2);
  EXPECT_EQ(*got.wake_at, this->time("2026-01-01T00:01:00.000Z"));
  EXPECT_EQ(this->executions_->list_events("e1")->size(), 1u);
}

TYPED_TEST(ExecutionStoreConformance, ListsTopLevelByStatusAndChildrenInOrder) {
  ExecutionWrite w;
  w.creates.push_back(this->record("top"));
  w.creates.push_back(this->record("c1", "top", 1));
  w.creates.push_back(this->record("c0", "top", 0));
  auto done = this->record("other");
  done.status = ExecutionStatus::kFailed;
  w.creates.push_back(done);
  ASSERT_TRUE(this->executions_->write(w).is_ok());
  ExecutionFilter top;
  EXPECT_EQ(this->executions_->list_executions(top)->size(), 2u);
  top.status = ExecutionStatus::kRunning;
  auto running = this->executions_->list_executions(top).value();
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].id, "top");
  ExecutionFilter all;
  all.top_level_only = false;
  all.status = ExecutionStatus::kRunning;
  EXPECT_EQ(this->executions_->list_executions(all)->size(), 3u);
  ExecutionFilter children;
  children.parent_id = "top";
  auto kids = this->executions_->list_executions(children).value();
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[0].id, "c0");
  EXPECT_EQ(kids[1].id, "c1");
  children.min_branch_index = 1;
  kids = this->executions_->list_executions(children).value();
  ASSERT_EQ(kids.size(), 1u);
  EXPECT_EQ(kids[0].id, "c1");
  children.min_branch_index.reset();
  children.ids = std::vector<std::string>{"c1", "other"};
  kids = this->executions_->list_executions(children).value();
  ASSERT_EQ(kids.size(), 1u);  // "other" is no child of "top"
  EXPECT_EQ(kids[0].id, "c1");
  children.ids = std::vector<std::string>{};
  EXPECT_TRUE(this->executions_->list_executions(children)->empty());
}

TEST(ExecutionStatus, OneSpellingEachWay) {
  for (auto s : {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded, ExecutionStatus::kFailed,
                 ExecutionStatus::kAborted})
    EXPECT_EQ(parse_execution_status(execution_status_name(s)).value(), s);
  EXPECT_EQ(execution_status_name(ExecutionStatus::kSucceeded), "SUCCEEDED");
  EXPECT_EQ(execution_status_name(ExecutionStatus::kAborted), "ABORTED");
  EXPECT_FALSE(parse_execution_status("running").is_ok());
}

TYPED_TEST(ExecutionStoreConformance, FailedWriteLeavesNothing) {
  ExecutionWrite w;
  w.creates.push_back(this->record("e1"));
  ASSERT_TRUE(this->executions_->write(w).is_ok());
  ExecutionWrite dup;
  dup.creates.push_back(this->record("e2"));
  dup.creates.push_back(this->record("e1"));  // primary key clash: the whole batch rolls back
  dup.events.push_back({"e2", 0, 0, "ExecutionStarted", "2026-01-01T00:00:00.000Z", "{}"});
  EXPECT_FALSE(this->executions_->write(dup).is_ok());
  EXPECT_FALSE(this->executions_->get_execution("e2")->has_value());
  EXPECT_TRUE(this->executions_->list_events("e2")->empty());
}

TYPED_TEST(ExecutionStoreConformance, DeadLettersAreIdempotentAndRedriveOnce) {
  DeadLetter d;
  d.id = "d1";
  d.execution_id = "e1";
  d.created_at = "2026-01-01T00:00:00.000Z";
  d.payload = "{\"x\":1}";
  d.definition = "{}";
  d.error = "Lifeboat.Bad";
  d.cause = "broke";
  ASSERT_TRUE(this->executions_->add_dead_letter(d).is_ok());
  DeadLetter again = d;
  again.id = "d2";
  ASSERT_TRUE(this->executions_->add_dead_letter(again).is_ok());  // same execution: kept once
  auto all = this->executions_->list_dead_letters().value();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], d);
  ASSERT_TRUE(this->executions_->mark_redriven("d1", "e9").is_ok());
  auto got = this->executions_->get_dead_letter("d1").value();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, kDeadLetterRedriven);
  EXPECT_EQ(*got->redrive_execution_id, "e9");
  EXPECT_EQ(this->executions_->mark_redriven("d1", "e10").code(),
            core::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(this->executions_->get_dead_letter("zz")->has_value());
}

}  // namespace
}  // namespace lifeboat::store

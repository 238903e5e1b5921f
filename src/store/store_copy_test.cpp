// copy_store, as a typed suite over target store factories: SQLite now; the PostgreSQL
// store joins by adding its factory (open() an empty store, fail_inserts_into()) to
// TargetTypes. The source is always a populated SQLite store.
#include "store/store_copy.h"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include "core/json.h"
#include "store/execution_leases.h"
#include "store/held_events.h"
#include "store/open_store.h"
#include "store/schema_migrations.h"
#include "store/sql_execution_store.h"
#include "store/sql_store_transaction.h"
#include "testing/postgres_database.h"
#include "testing/temp_dir.h"

namespace lifeboat::store {
namespace {

using core::Status;
using core::StatusCode;

struct SqliteTargetFactory {
  static constexpr bool kTextMayHoldNul = true;
  lifeboat::testing::TempDir tmp{"lifeboat-copy-target"};
  core::Result<std::unique_ptr<Store>> open() {
    return open_store(sqlite_url_for_data_dir(tmp.path()));
  }
  //! From now on every insert into `table` of `store` fails in the database itself.
  static Status fail_inserts_into(Store& store, std::string_view table) {
    return store.transact([&](StoreTransaction& t) {
      return session_of(t).execute_script(
          fmt::format("CREATE TRIGGER copy_test_failure BEFORE INSERT ON {} BEGIN "
                      "SELECT RAISE(ABORT, 'injected failure'); END",
                      table));
    });
  }
};

// PostgreSQL TEXT holds no NUL byte: the source's text leaves it out for this target (a
// store holding one cannot be copied there; the copy fails and the target stays empty).
struct PostgresTargetFactory {
  static constexpr bool kTextMayHoldNul = false;
  lifeboat::testing::PostgresDatabase db;
  core::Result<std::unique_ptr<Store>> open() { return open_store(db.url()); }
  static Status fail_inserts_into(Store& store, std::string_view table) {
    return store.transact([&](StoreTransaction& t) {
      return session_of(t).execute_script(
          fmt::format("CREATE FUNCTION copy_test_failure() RETURNS trigger LANGUAGE plpgsql AS "
                      "$$BEGIN RAISE EXCEPTION 'injected failure'; END$$; "
                      "CREATE TRIGGER copy_test_failure BEFORE INSERT ON {} FOR EACH ROW "
                      "EXECUTE FUNCTION copy_test_failure()",
                      table));
    });
  }
};

// A table's rows as text ("NULL", "i:42", "t:abc"), so a mismatch prints readably and a
// value that changed type (42 vs "42") differs.
using TableDump = std::map<std::string, std::vector<std::vector<std::string>>>;

std::string cell_text(const SqlValue& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return fmt::format("i:{}", *n);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("d:{}", *d);
  if (const auto* s = std::get_if<std::string>(&v)) return "t:" + *s;
  return "NULL";
}

// Every row of every table but schema_migrations, ordered by all columns.
TableDump dump(Store& store) {
  TableDump out;
  Status st = store.read([&](StoreTransaction& t) -> Status {
    SqlSession& sql = session_of(t);
    for (std::string_view table : store_tables()) {
      if (table == "schema_migrations") continue;
      LIFEBOAT_ASSIGN_OR_RETURN(auto columns, sql.table_columns(table));
      std::vector<std::string> order;
      for (std::size_t i = 1; i <= columns.size(); ++i) order.push_back(std::to_string(i));
      LIFEBOAT_ASSIGN_OR_RETURN(auto rows, sql.query(fmt::format("SELECT * FROM {} ORDER BY {}",
                                                                 table, fmt::join(order, ", ")),
                                                     {}));
      auto& dumped = out[std::string(table)];
      for (const auto& row : rows) {
        std::vector<std::string> cells;
        for (std::size_t i = 0; i < row.size(); ++i) cells.push_back(cell_text(row.cell(i)));
        dumped.push_back(std::move(cells));
      }
    }
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return out;
}

core::Profile profile(const std::string& name, bool sparse) {
  core::Profile p;
  p.key = {"demo", core::ProfileKind::kUser, name};
  p.domain_id = "d-1";
  p.last_event_time = "2026-11-29T10:00:00.000Z";
  if (sparse) return p;  // home, owner, pending source, last replication: NULL columns
  p.home = core::HomeLocation{"fs-1", "200001"};
  p.owner_uid = std::numeric_limits<std::int64_t>::max();
  p.owner_gid = std::numeric_limits<std::int64_t>::min();
  p.pending_source = core::HomeLocation{"fs-0", "100"};
  p.last_replication = core::ReplicationResult{"SUCCESS", 1LL << 62, 20, 3, 456, "exec-1"};
  p.platform_created_at = "2026-11-01T00:00:00.000Z";
  return p;
}

// Fills every table with a few rows (more than the batch size of the tests' copies).
void populate(Store& store, bool nul_in_text = true) {
  const std::string odd_text = nul_in_text ? std::string("naïve ☃ \x01 tab\t quote' nul\0 end", 33)
                                           : std::string("naïve ☃ \x01 tab\t quote' no nul end");
  Status st = store.transact([&](StoreTransaction& t) -> Status {
    for (int i = 0; i < 3; ++i) {
      const std::string n = std::to_string(i);
      LIFEBOAT_RETURN_IF_ERROR(t.put_volume({"fs-" + n, "/mnt/" + n}));
      LIFEBOAT_RETURN_IF_ERROR(t.put_domain(
          {"d-" + n, "demo" + n, "fs-" + n, core::DomainStatus::kActive, "2026-11-29T10:00:00Z"}));
      core::Profile p = profile("user-" + n, i == 0);
      LIFEBOAT_RETURN_IF_ERROR(t.put_profile(p));
      HistoryEntry h;
      h.event_id = "ev-" + n;
      h.event_type = "CreateUserProfile";
      h.event_time = "2026-11-29T10:00:00.000Z";
      h.recorded_at = "2026-11-29T10:00:01.000Z";
      h.key = p.key;
      h.outcome = std::string(kOutcomeApplied);
      h.detail = core::Json{{"text", odd_text}};
      LIFEBOAT_RETURN_IF_ERROR(t.append_history(h).status());
      LIFEBOAT_RETURN_IF_ERROR(
          t.append_change({0, "ev-" + n, p.key, ChangeOp::kInsert, std::nullopt, p, ""}).status());
      LIFEBOAT_RETURN_IF_ERROR(t.record_processed_event("ev-" + n, "applied"));
      LIFEBOAT_RETURN_IF_ERROR(t.set_consumer_checkpoint("consumer-" + n, i + 1));
      TransferRecord r;
      r.key = p.key;
      r.result = {"SUCCESS", std::numeric_limits<std::int64_t>::max(), 0, 7, 1, "exec-" + n};
      r.recorded_at = "2026-11-29T10:00:02.000Z";
      LIFEBOAT_RETURN_IF_ERROR(t.append_transfer(r).status());
      HeldEvent e;
      e.event_id = "held-" + n;
      e.event = core::Json{{"id", "held-" + n}};
      e.rule = "rule";
      e.held_at = e.next_attempt_at = e.deadline = "2026-11-29T10:00:00.000Z";
      e.attempts = 2;
      e.last_error = odd_text;
      LIFEBOAT_RETURN_IF_ERROR(t.hold_event(e).status());
    }
    return Status::ok();
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();

  SqlExecutionStore executions(store);
  ExecutionWrite w;
  for (int i = 0; i < 3; ++i) {
    ExecutionRecord r;
    r.id = "e" + std::to_string(i);
    r.name = "name";
    r.branch_index = std::numeric_limits<std::int64_t>::max() - i;
    r.definition = "{}";
    r.input = odd_text;
    r.cursor = "{}";
    if (i == 1) r.output = "{\"ok\":true}";  // the others leave output NULL
    w.creates.push_back(r);
    w.events.push_back({r.id, 0, 0, "ExecutionStarted", "2026-11-29T10:00:00.000Z", "{}"});
    w.events.push_back({r.id, 0, 0, "PassStateEntered", "2026-11-29T10:00:00.000Z", "{}"});
  }
  st = executions.write(w);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  for (int i = 0; i < 3; ++i) {
    DeadLetter d;
    d.id = "dl-" + std::to_string(i);
    d.execution_id = "e" + std::to_string(i);
    d.created_at = "2026-11-29T10:00:00.000Z";
    d.payload = odd_text;
    st = executions.add_dead_letter(d);
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }
  // Leases: one execution claimed (its lease columns set), one named lease.
  ExecutionLeases leases(store);
  const auto now = core::SystemClock::instance().now();
  auto claimed = leases.claim("e0", "node-a", now, std::chrono::seconds(30));
  ASSERT_TRUE(claimed.is_ok() && claimed->has_value());
  auto named = leases.acquire_named("dispatcher", "node-a", now, std::chrono::seconds(30));
  ASSERT_TRUE(named.is_ok() && named->has_value());
}

std::map<std::string, std::int64_t> counts_of(Store& store) {
  std::map<std::string, std::int64_t> out;
  Status st = store.read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto counts, t.table_row_counts());
    for (auto& [table, n] : counts) out[table] = n;
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return out;
}

template <typename TargetFactory>
class StoreCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto source = open_store(sqlite_url_for_data_dir(source_dir_.path()));
    ASSERT_TRUE(source.is_ok()) << source.status().to_string();
    source_ = std::move(source).value();
    auto target = factory_.open();
    ASSERT_TRUE(target.is_ok()) << target.status().to_string();
    target_ = std::move(target).value();
  }

  void write_target_sql(const std::string& sql) {
    Status st = target_->transact(
        [&](StoreTransaction& t) { return session_of(t).execute(sql, {}).status(); });
    ASSERT_TRUE(st.is_ok()) << st.to_string();
  }

  // Copies source_ into `target`, expects a refusal whose message holds `fragment`, and
  // checks that `target` is exactly as before.
  void expect_refused(Store& target, const std::string& fragment) {
    const TableDump before = dump(target);
    auto copied = copy_store(*source_, target);
    ASSERT_FALSE(copied.is_ok());
    EXPECT_EQ(copied.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(copied.status().message().find(fragment), std::string::npos)
        << copied.status().to_string();
    EXPECT_EQ(dump(target), before);
  }

  lifeboat::testing::TempDir source_dir_{"lifeboat-copy-source"};
  TargetFactory factory_;
  std::unique_ptr<Store> source_;
  std::unique_ptr<Store> target_;
  // Small batches, so the keyset pagination over one- and three-column keys is exercised.
  StoreCopyOptions small_batches_{2};
};

using TargetTypes = ::testing::Types<SqliteTargetFactory, PostgresTargetFactory>;
TYPED_TEST_SUITE(StoreCopyTest, TargetTypes);

TYPED_TEST(StoreCopyTest, FreshStoreHoldsOnlyTheSeededCounters) {
  TableDump fresh = dump(*this->target_);
  std::vector<std::vector<std::string>> seed;
  for (std::string_view name : seeded_counters()) seed.push_back({"t:" + std::string(name), "i:0"});
  std::sort(seed.begin(), seed.end());
  EXPECT_EQ(fresh["counters"], seed);
  for (const auto& [table, rows] : fresh) {
    if (table != "counters") {
      EXPECT_TRUE(rows.empty()) << table;
    }
  }
}

TYPED_TEST(StoreCopyTest, CopiesEveryTableExactly) {
  populate(*this->source_, TypeParam::kTextMayHoldNul);
  const auto source_counts = counts_of(*this->source_);
  for (const auto& [table, n] : source_counts) {
    EXPECT_GT(n, 0) << "populate() must fill table " << table;
  }

  auto copied = copy_store(*this->source_, *this->target_, this->small_batches_);
  ASSERT_TRUE(copied.is_ok()) << copied.status().to_string();

  std::int64_t total = 0;
  ASSERT_EQ(copied->tables.size(), store_tables().size() - 1);
  for (const auto& t : copied->tables) {
    EXPECT_NE(t.table, "schema_migrations");
    EXPECT_EQ(t.rows, source_counts.at(t.table)) << t.table;
    total += t.rows;
  }
  EXPECT_EQ(copied->total_rows(), total);
  EXPECT_EQ(dump(*this->target_), dump(*this->source_));
  EXPECT_EQ(*this->target_->schema_version(), *this->source_->schema_version());

  // The counters came along: the next change and transfer continue the source's numbering.
  Status st = this->target_->transact([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto seq, t.append_change({0,
                                                         "after",
                                                         {"demo", core::ProfileKind::kUser, "x"},
                                                         ChangeOp::kRemove,
                                                         std::nullopt,
                                                         std::nullopt,
                                                         ""}));
    EXPECT_EQ(seq, 4);
    TransferRecord r;
    r.key = {"demo", core::ProfileKind::kUser, "x"};
    LIFEBOAT_ASSIGN_OR_RETURN(auto transfer_seq, t.append_transfer(r));
    EXPECT_EQ(transfer_seq, 4);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TYPED_TEST(StoreCopyTest, DefaultBatchesCopyTheSame) {
  populate(*this->source_, TypeParam::kTextMayHoldNul);
  auto copied = copy_store(*this->source_, *this->target_);
  ASSERT_TRUE(copied.is_ok()) << copied.status().to_string();
  EXPECT_EQ(dump(*this->target_), dump(*this->source_));
}

TYPED_TEST(StoreCopyTest, RefusesATargetHoldingRowsAndChangesNothing) {
  populate(*this->source_, TypeParam::kTextMayHoldNul);
  Status st = this->target_->transact([](StoreTransaction& t) {
    return t.put_volume({"fs-x", "/mnt/x"});
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  this->expect_refused(*this->target_, "table volumes holds 1 rows");
}

TYPED_TEST(StoreCopyTest, RefusesATargetWhoseCountersMoved) {
  populate(*this->source_, TypeParam::kTextMayHoldNul);
  this->write_target_sql("UPDATE counters SET value = 5 WHERE name = 'changes'");
  this->expect_refused(*this->target_, "table counters");
}

TYPED_TEST(StoreCopyTest, RefusesDifferentSchemaVersions) {
  populate(*this->source_, TypeParam::kTextMayHoldNul);
  this->write_target_sql(
      fmt::format("INSERT INTO schema_migrations (version, name, applied_at) VALUES ({}, "
                  "'from the future', '2030-01-01T00:00:00Z')",
                  latest_schema_version() + 1));
  this->expect_refused(*this->target_, "schema version");
}

TYPED_TEST(StoreCopyTest, RefusesCopyingAStoreOntoItself) {
  populate(*this->source_, TypeParam::kTextMayHoldNul);
  auto same = open_store(this->source_->url());
  ASSERT_TRUE(same.is_ok()) << same.status().to_string();
  this->expect_refused(**same, "onto itself");
}

TYPED_TEST(StoreCopyTest, AFailureMidwayLeavesTheTargetEmpty) {
  populate(*this->source_, TypeParam::kTextMayHoldNul);
  const TableDump empty = dump(*this->target_);
  // transfers comes late in store_tables(): many tables are written before it fails.
  Status st = TypeParam::fail_inserts_into(*this->target_, "transfers");
  ASSERT_TRUE(st.is_ok()) << st.to_string();

  auto copied = copy_store(*this->source_, *this->target_);
  ASSERT_FALSE(copied.is_ok());
  EXPECT_NE(copied.status().message().find("copying table transfers"), std::string::npos)
      << copied.status().to_string();
  EXPECT_NE(copied.status().message().find("injected failure"), std::string::npos)
      << copied.status().to_string();
  EXPECT_EQ(dump(*this->target_), empty);
}

TEST(SqliteTableColumns, NamesColumnsAndPrimaryKeyPositions) {
  lifeboat::testing::TempDir tmp{"lifeboat-columns"};
  auto store = open_store(sqlite_url_for_data_dir(tmp.path()));
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  Status st = (*store)->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto events, session_of(t).table_columns("execution_events"));
    std::vector<SqlColumn> expected{
        {"execution_id", 1}, {"id", 2},      {"previous_event_id", 0}, {"type", 0},
        {"timestamp", 0},    {"details", 0}, {"lease_owner", 0},       {"lease_token", 0}};
    EXPECT_EQ(events, expected);
    auto missing = session_of(t).table_columns("no_such_table");
    EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

}  // namespace
}  // namespace lifeboat::store

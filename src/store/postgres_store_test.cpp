// What only the PostgreSQL store has to show (the shared behaviour is in the conformance
// suites): several writers at SERIALIZABLE lose nothing, a serialization failure runs the
// transaction again, a broken connection is re-established, passwords stay out of
// messages, and two processes opening a new database at once migrate it once.
#include "store/postgres_store.h"

#include <barrier>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/schema_migrations.h"
#include "store/sql_store_transaction.h"
#include "testing/postgres_database.h"

namespace lifeboat::store {
namespace {

using core::Status;
using core::StatusCode;

std::unique_ptr<Store> open_or_fail(const std::string& url) {
  auto opened = open_store(url);
  if (!opened.is_ok()) throw std::runtime_error(opened.status().to_string());
  return std::move(opened).value();
}

// The checkpoint of consumer `name`, read in its own transaction.
std::int64_t checkpoint(Store& store, const std::string& name) {
  std::int64_t value = -1;
  Status st = store.read([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(value, t.consumer_checkpoint(name));
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return value;
}

// Read, then write what was read plus one: the lost-update pattern, which only a
// serializable transaction (or a lock) makes safe.
Status increment(Store& store, const std::string& name) {
  return store.transact([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t value, t.consumer_checkpoint(name));
    return t.set_consumer_checkpoint(name, value + 1);
  });
}

TEST(PostgresStore, ConcurrentReadModifyWriteOnTwoHandlesLosesNoUpdate) {
  lifeboat::testing::PostgresDatabase db;
  std::vector<std::unique_ptr<Store>> stores;
  stores.push_back(open_or_fail(db.url()));
  stores.push_back(open_or_fail(db.url()));
  constexpr int kThreadsPerStore = 2;
  constexpr int kIncrements = 60;
  std::vector<Status> results(stores.size() * kThreadsPerStore);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      Store& store = *stores[i % stores.size()];
      for (int n = 0; n < kIncrements && results[i].is_ok(); ++n) {
        results[i] = increment(store, "shared");
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) {
    EXPECT_TRUE(st.is_ok()) << st.to_string();
  }
  EXPECT_EQ(checkpoint(*stores[0], "shared"),
            static_cast<std::int64_t>(results.size()) * kIncrements);
}

TEST(PostgresStore, ASerializationFailureRunsTheWholeTransactionAgain) {
  lifeboat::testing::PostgresDatabase db;
  auto a = open_or_fail(db.url());
  auto b = open_or_fail(db.url());
  ASSERT_TRUE(increment(*a, "c").is_ok());
  int calls = 0;
  Status st = a->transact([&](StoreTransaction& t) -> Status {
    ++calls;
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t value, t.consumer_checkpoint("c"));
    if (calls == 1) {
      // Another connection changes the row after this transaction read it.
      Status other =
          b->transact([](StoreTransaction& bt) { return bt.set_consumer_checkpoint("c", 100); });
      EXPECT_TRUE(other.is_ok()) << other.to_string();
    }
    return t.set_consumer_checkpoint("c", value + 1);
  });
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(checkpoint(*a, "c"), 101) << "the retry read the other writer's value";
}

TEST(PostgresStore, GivingUpOnSerializationFailuresSaysWhyAndNamesTheStore) {
  lifeboat::testing::PostgresDatabase db;
  auto opened = PostgresStore::open(db.url(), {.max_attempts = 1});
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  Store& a = **opened;
  auto b = open_or_fail(db.url());
  ASSERT_TRUE(increment(a, "c").is_ok());
  Status st = a.transact([&](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(std::int64_t value, t.consumer_checkpoint("c"));
    EXPECT_TRUE(increment(*b, "c").is_ok());
    return t.set_consumer_checkpoint("c", value + 1);
  });
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.to_string();
  EXPECT_NE(st.message().find(db.name()), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("40001"), std::string::npos) << st.message();
  EXPECT_EQ(checkpoint(a, "c"), 2) << "only the other writer's increment landed";
}

TEST(PostgresStore, ABrokenConnectionIsReestablishedForTheNextTransaction) {
  lifeboat::testing::PostgresDatabase db;
  auto store = open_or_fail(db.url());
  ASSERT_TRUE(increment(*store, "c").is_ok());
  ASSERT_GE(db.terminate_connections(), 1);
  Status st = increment(*store, "c");
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(checkpoint(*store, "c"), 2);
  ASSERT_GE(db.terminate_connections(), 1);
  EXPECT_EQ(checkpoint(*store, "c"), 2) << "a read reconnects too";
}

TEST(PostgresStore, AServerThatStaysGoneIsUnavailableAndSaysReconnectingFailed) {
  auto db = std::make_unique<lifeboat::testing::PostgresDatabase>();
  auto store = open_or_fail(db->url());
  const std::string url = store->url();
  db.reset();  // dropped WITH (FORCE): the connection is cut and the database is gone
  Status st = increment(*store, "c");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.to_string();
  EXPECT_NE(st.message().find("reconnecting failed"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(url), std::string::npos) << st.message();
}

TEST(PostgresStore, AWriteWhoseFunctionIgnoredAFailedStatementFailsAndCommitsNothing) {
  lifeboat::testing::PostgresDatabase db;
  auto store = open_or_fail(db.url());
  Status st = store->transact([](StoreTransaction& t) -> Status {
    LIFEBOAT_RETURN_IF_ERROR(t.put_volume({"home", "/mnt/home"}));
    (void)session_of(t).query("SELECT no_such_column FROM volumes", {});
    return Status::ok();
  });
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("42703"), std::string::npos) << st.message();
  Status check = store->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto volume, t.get_volume("home"));
    EXPECT_FALSE(volume.has_value());
    return Status::ok();
  });
  EXPECT_TRUE(check.is_ok()) << check.to_string();
  // A read has nothing to lose: as on SQLite, what the function says stands.
  Status probe = store->read([](StoreTransaction& t) -> Status {
    (void)session_of(t).query("SELECT no_such_column FROM volumes", {});
    return Status::ok();
  });
  EXPECT_TRUE(probe.is_ok()) << probe.to_string();
}

TEST(PostgresStore, UrlMasksThePassword) {
  lifeboat::testing::PostgresDatabase db;
  // The test server trusts its socket, so the password is accepted and ignored.
  std::string url = db.url();
  url.insert(url.find("://") + 3, "postgres:s3cret@");
  auto store = open_or_fail(url);
  EXPECT_EQ(store->url().find("s3cret"), std::string::npos) << store->url();
  EXPECT_NE(store->url().find("postgres:***@"), std::string::npos) << store->url();
  Status st = store->read([](StoreTransaction& t) {
    return session_of(t).query("SELECT * FROM no_such_table", {}).status();
  });
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(st.message().find("s3cret"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("postgres:***@"), std::string::npos) << st.message();
}

TEST(PostgresStore, StoresOpenedAtOnceOnAnEmptyDatabaseMigrateItOnce) {
  lifeboat::testing::PostgresDatabase db;
  constexpr int kOpeners = 4;
  std::barrier start(kOpeners);
  std::vector<Status> results(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto opened = open_store(db.url());
      results[i] = opened.status();
      if (opened.is_ok()) {
        auto version = (*opened)->schema_version();
        if (!version.is_ok()) {
          results[i] = version.status();
        } else if (*version != latest_schema_version()) {
          results[i] = Status::internal("at version " + std::to_string(*version));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) {
    EXPECT_TRUE(st.is_ok()) << st.to_string();
  }
  auto store = open_or_fail(db.url());
  Status st = store->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(auto rows,
                              session_of(t).query("SELECT COUNT(*) FROM schema_migrations", {}));
    EXPECT_EQ(rows[0].integer(0), static_cast<std::int64_t>(schema_migrations().size()))
        << "each migration was applied and recorded once";
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TEST(PostgresSession, CellsReadAsOnSqlite) {
  lifeboat::testing::PostgresDatabase db;
  auto store = open_or_fail(db.url());
  Status st = store->read([](StoreTransaction& t) -> Status {
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto rows, session_of(t).query("SELECT CAST(? AS BIGINT), CAST(? AS INTEGER), 1.5, "
                                       "CAST(? AS DOUBLE PRECISION), 'a?b', NULL, ?, 1 = 1",
                                       {std::int64_t{9007199254740993}, std::int64_t{-7}, 0.1,
                                        std::string("it's")}));
    EXPECT_EQ(rows.size(), 1u);
    const SqlRow& r = rows.at(0);
    EXPECT_EQ(r.cell(0), SqlValue{std::int64_t{9007199254740993}});
    EXPECT_EQ(r.cell(1), SqlValue{std::int64_t{-7}});
    EXPECT_EQ(r.cell(2), SqlValue{1.5});
    EXPECT_EQ(r.cell(3), SqlValue{0.1}) << "doubles round-trip exactly";
    EXPECT_EQ(r.cell(4), SqlValue{std::string("a?b")}) << "a quoted ? is not a parameter";
    EXPECT_TRUE(r.is_null(5));
    EXPECT_EQ(r.cell(6), SqlValue{std::string("it's")});
    EXPECT_EQ(r.integer(7), 1);
    return Status::ok();
  });
  EXPECT_TRUE(st.is_ok()) << st.to_string();
}

TEST(PostgresSession, NumberPlaceholdersSkipsQuotesAndComments) {
  std::size_t count = 0;
  EXPECT_EQ(number_placeholders("SELECT ?, '?''?', \"a?\" -- ?\n, ? /* ? */ ?", count),
            "SELECT $1, '?''?', \"a?\" -- ?\n, $2 /* ? */ $3");
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(number_placeholders("SELECT 1", count), "SELECT 1");
  EXPECT_EQ(count, 0u);
}

}  // namespace
}  // namespace lifeboat::store

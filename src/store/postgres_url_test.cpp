#include "store/postgres_url.h"

#include <gtest/gtest.h>

namespace lifeboat::store {
namespace {

TEST(PostgresUrl, RecognisesBothSchemes) {
  EXPECT_TRUE(is_postgres_url("postgresql://h/db"));
  EXPECT_TRUE(is_postgres_url("postgres:///db?host=/run/postgresql"));
  EXPECT_FALSE(is_postgres_url("sqlite:///x.db"));
  EXPECT_FALSE(is_postgres_url("postgresql:/x"));
}

TEST(PostgresUrl, MasksThePasswordWhereverItIs) {
  EXPECT_EQ(mask_postgres_password("postgresql://me:s3cret@db.example:5432/lifeboat"),
            "postgresql://me:***@db.example:5432/lifeboat");
  EXPECT_EQ(mask_postgres_password("postgresql://me:p@ss@db.example"),
            "postgresql://me:***@db.example");
  EXPECT_EQ(mask_postgres_password("postgresql://me:s3cret@h?sslmode=require&password=x&a=b"),
            "postgresql://me:***@h?sslmode=require&password=***&a=b");
  EXPECT_EQ(mask_postgres_password("postgres://h/db?password=x"), "postgres://h/db?password=***");
  for (const char* url : {"postgresql://me@db.example/lifeboat?sslmode=verify-full",
                          "postgresql:///lifeboat?host=/tmp/pg&user=postgres",
                          "postgresql://[::1]:5432/db", "postgresql://h:5432"}) {
    EXPECT_EQ(mask_postgres_password(url), url) << "no password, nothing masked";
  }
}

TEST(PostgresUrl, HidesThePasswordInOtherText) {
  EXPECT_EQ(
      hide_postgres_password("invalid token \"s3cret%zz\" here", "postgresql://me:s3cret%zz@h/db"),
      "invalid token \"***\" here");
  EXPECT_EQ(hide_postgres_password("nothing to hide", "postgresql://h/db"), "nothing to hide");
}

}  // namespace
}  // namespace lifeboat::store

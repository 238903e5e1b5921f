// `lifeboat store copy` and `lifeboat store status` as a user runs them: a copy that a
// later command reads back, the refusals and their exit codes, the status JSON.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace lifeboat::testing {
namespace {

using Json = nlohmann::json;

std::string create_user(const std::string& id, const std::string& name) {
  return Json{{"specversion", "1.0"},
              {"id", id},
              {"source", "platform.local"},
              {"time", "2026-11-29T10:00:00Z"},
              {"type", "CreateUserProfile"},
              {"data",
               {{"domainId", "d-demo"},
                {"domainName", "demo"},
                {"userProfileName", name},
                {"homeEfsFileSystemId", "home"},
                {"homeEfsFileSystemUid", "200001"},
                {"ownerUid", 200001},
                {"ownerGid", 1001}}}}
      .dump();
}

class StoreCli : public ::testing::Test {
 protected:
  std::string url(const std::string& name) { return "sqlite://" + dir_ / name; }
  // Runs lifeboat on the store `name` of this test's directory with JSON output.
  ProcessResult on(const std::string& name, std::vector<std::string> args,
                   const std::string& input = "") {
    args.insert(args.begin(), {"--store", url(name), "--output", "json"});
    return run_lifeboat(args, input);
  }
  Json json_of(const ProcessResult& r) {
    try {
      return Json::parse(r.out);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << r.out << "\nstderr: " << r.err;
      return Json();
    }
  }

  TempDir dir_;
};

TEST_F(StoreCli, CopyThenProfilesListShowsTheSameProfiles) {
  auto put = on("source.db", {"events", "put", "-"},
                "[" + create_user("e1", "alice") + "," + create_user("e2", "bob") + "]");
  ASSERT_EQ(put.exit_code, 0) << put.err;

  auto copy = run_lifeboat(
      {"--output", "json", "store", "copy", "--from", url("source.db"), "--to", url("target.db")});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  Json copied = json_of(copy);
  EXPECT_EQ(copied["tables"]["profiles"], 2);
  EXPECT_FALSE(copied["tables"].contains("schema_migrations"));
  EXPECT_GT(copied["total_rows"].get<int>(), 2);

  auto source_list = on("source.db", {"profiles", "list"});
  auto target_list = on("target.db", {"profiles", "list"});
  ASSERT_EQ(target_list.exit_code, 0) << target_list.err;
  EXPECT_EQ(json_of(target_list).size(), 2u);
  EXPECT_EQ(json_of(target_list), json_of(source_list));

  auto table = run_lifeboat(
      {"--output", "table", "store", "copy", "--from", url("source.db"), "--to", url("target.db")});
  EXPECT_EQ(table.exit_code, 2) << "the target is no longer empty";
  EXPECT_NE(table.err.find("not empty"), std::string::npos) << table.err;
  EXPECT_NE(table.err.find("table profiles holds 2 rows"), std::string::npos) << table.err;
}

TEST_F(StoreCli, CopyPrintsRowsPerTableAndATotal) {
  ASSERT_EQ(on("source.db", {"events", "put", "-"}, create_user("e1", "alice")).exit_code, 0);
  auto copy = run_lifeboat(
      {"--output", "table", "store", "copy", "--from", url("source.db"), "--to", url("target.db")});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_NE(copy.out.find("ROWS_COPIED"), std::string::npos) << copy.out;
  EXPECT_NE(copy.out.find("profiles"), std::string::npos) << copy.out;
  EXPECT_NE(copy.out.find("total"), std::string::npos) << copy.out;
}

TEST_F(StoreCli, StatusShowsSchemaVersionAndCounts) {
  ASSERT_EQ(on("s.db", {"events", "put", "-"}, create_user("e1", "alice")).exit_code, 0);
  auto status = on("s.db", {"store", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  Json s = json_of(status);
  EXPECT_GE(s["schema_version"].get<int>(), 5);
  EXPECT_EQ(s["schema_version"], s["latest_schema_version"]);
  EXPECT_EQ(s["tables"]["profiles"], 1);
  EXPECT_EQ(s["tables"]["processed_events"], 1);
  EXPECT_EQ(s["url"], url("s.db"));
}

TEST_F(StoreCli, BadUrlsGiveClearErrors) {
  auto missing_source =
      run_lifeboat({"store", "copy", "--from", url("missing.db"), "--to", url("target.db")});
  EXPECT_EQ(missing_source.exit_code, 3);
  EXPECT_NE(missing_source.err.find("does not exist"), std::string::npos) << missing_source.err;

  ASSERT_EQ(on("source.db", {"store", "status"}).exit_code, 0);
  auto relative =
      run_lifeboat({"store", "copy", "--from", url("source.db"), "--to", "sqlite://relative.db"});
  EXPECT_EQ(relative.exit_code, 2);
  EXPECT_NE(relative.err.find("--to"), std::string::npos) << relative.err;
  EXPECT_NE(relative.err.find("absolute path"), std::string::npos) << relative.err;

  auto unknown = run_lifeboat({"store", "copy", "--from", "mysql://x", "--to", url("t.db")});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("not understood"), std::string::npos) << unknown.err;

  auto itself =
      run_lifeboat({"store", "copy", "--from", url("source.db"), "--to", url("source.db")});
  EXPECT_EQ(itself.exit_code, 2);
  EXPECT_NE(itself.err.find("onto itself"), std::string::npos) << itself.err;

  auto no_to = run_lifeboat({"store", "copy", "--from", url("source.db")});
  EXPECT_NE(no_to.exit_code, 0);
  EXPECT_NE(no_to.err.find("--to"), std::string::npos) << no_to.err;
}

}  // namespace
}  // namespace lifeboat::testing

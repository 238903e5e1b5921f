// The registry's commands as a user runs them: events put, volumes, domains, profiles,
// history, replication, store copy/status — their output (JSON field names of the reference), exit
// codes and the data directory.
#include <sys/stat.h>

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.h"

namespace lifeboat::testing {
namespace {

using Json = nlohmann::json;

std::string cloud_event(const std::string& id, const std::string& type, const std::string& time,
                        const Json& data) {
  return Json{{"specversion", "1.0"}, {"id", id},     {"source", "platform.local"},
              {"time", time},         {"type", type}, {"data", data}}
      .dump();
}

std::string create_user(const std::string& id, const std::string& name, const std::string& uid,
                        const std::string& time) {
  return cloud_event(id, "CreateUserProfile", time,
                     {{"domainId", "d-demo"},
                      {"domainName", "demo"},
                      {"userProfileName", name},
                      {"homeEfsFileSystemId", "home"},
                      {"homeEfsFileSystemUid", uid},
                      {"ownerUid", 200001},
                      {"ownerGid", 1001}});
}

class RegistryCli : public ::testing::Test {
 protected:
  // Runs lifeboat against this test's data directory with JSON output.
  ProcessResult lb(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--data-dir", dir_ / "data", "--output", "json"});
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

TEST_F(RegistryCli, EventsPutReportsEachEventAndRefusalExitsTwo) {
  std::string batch = "[" + create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z") + "," +
                      create_user("e2", "a/b", "200002", "2026-11-29T10:00:00Z") + "]";
  auto r = lb({"events", "put", "-"}, batch);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  Json out = json_of(r);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0]["outcome"], "applied");
  EXPECT_EQ(out[0]["event_id"], "e1");
  EXPECT_EQ(out[1]["outcome"], "refused");
  EXPECT_EQ(out[1]["event_type"], "CreateUserProfile");
  EXPECT_NE(out[1]["message"].get<std::string>().find("userProfileName"), std::string::npos);

  auto again =
      lb({"events", "put", "-"}, create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json_of(again)[0]["outcome"], "duplicate");

  auto stale = lb({"events", "put", "-"},
                  cloud_event("e0", "DeleteUserProfile", "2026-11-29T09:00:00Z",
                              {{"domainId", "d-demo"}, {"userProfileName", "alice"}}));
  EXPECT_EQ(stale.exit_code, 0) << stale.err;
  EXPECT_EQ(json_of(stale)[0]["outcome"], "stale");
}

TEST_F(RegistryCli, EventsPutReadsAFileAndRefusesInvalidJson) {
  std::string path = dir_ / "events.json";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::string text = create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  auto r = lb({"events", "put", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json_of(r)[0]["outcome"], "applied");
  auto bad = lb({"events", "put", "-"}, "{oops");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("not valid JSON"), std::string::npos) << bad.err;
  auto missing = lb({"events", "put", dir_ / "nope.json"});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("nope.json"), std::string::npos) << missing.err;
}

TEST_F(RegistryCli, ProfilesShowUsesTheReferenceColumnNames) {
  ASSERT_EQ(lb({"events", "put", "-"}, create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z"))
                .exit_code,
            0);
  auto r = lb({"profiles", "show", "--domain-name", "demo", "--profile-name", "alice"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json p = json_of(r);
  EXPECT_EQ(p["domain_id"], "d-demo");
  EXPECT_EQ(p["domain_name"], "demo");
  EXPECT_EQ(p["user_profile_name"], "alice");
  EXPECT_EQ(p["replication"], true);
  EXPECT_EQ(p["efs_sys_id"], "home");
  EXPECT_EQ(p["efs_uid"], "200001");
  EXPECT_TRUE(p.contains("bytes_written"));
  EXPECT_TRUE(p.contains("files_transferred"));
  EXPECT_TRUE(p.contains("total_duration_ms"));
  EXPECT_TRUE(p.contains("replication_status"));

  auto missing = lb({"profiles", "show", "--domain-name", "demo", "--profile-name", "bob"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("demo/user/bob"), std::string::npos);
  auto space = lb(
      {"profiles", "show", "--domain-name", "demo", "--profile-name", "alice", "--kind", "space"});
  EXPECT_EQ(space.exit_code, 3) << "a user is not a space of the same name";
  auto bad = lb({"profiles", "show", "--domain-name", "demo", "--profile-name", ".."});
  EXPECT_EQ(bad.exit_code, 2);

  auto list = lb({"profiles", "list", "--domain-name", "demo"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(json_of(list).size(), 1u);
  EXPECT_EQ(json_of(lb({"profiles", "list", "--domain-name", "other"})).size(), 0u);
}

TEST_F(RegistryCli, ReplicationDisableSurvivesRecreationAndHistoryShowsAll) {
  lb({"events", "put", "-"}, create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z"));
  auto off = lb({"replication", "disable", "--domain-name", "demo", "--profile-name", "alice"});
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_EQ(json_of(off)["replication"], false);
  lb({"events", "put", "-"}, cloud_event("e2", "DeleteUserProfile", "2026-11-29T11:00:00Z",
                                         {{"domainId", "d-demo"}, {"userProfileName", "alice"}}));
  lb({"events", "put", "-"}, create_user("e3", "alice", "200777", "2026-11-29T12:00:00Z"));
  Json p = json_of(lb({"profiles", "show", "--domain-name", "demo", "--profile-name", "alice"}));
  EXPECT_EQ(p["replication"], false);
  EXPECT_EQ(p["efs_uid"], "200777");
  Json h = json_of(lb({"history", "--domain-name", "demo", "--profile-name", "alice"}));
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0]["event_type"], "CreateUserProfile");
  EXPECT_EQ(h[1]["event_type"], "ReplicationDisabled");
  EXPECT_EQ(h[2]["event_type"], "DeleteUserProfile");
  EXPECT_EQ(h[3]["event_id"], "e3");
  auto on = lb({"replication", "enable", "--domain-name", "demo", "--profile-name", "alice"});
  EXPECT_EQ(json_of(on)["replication"], true);
  EXPECT_EQ(
      lb({"replication", "enable", "--domain-name", "demo", "--profile-name", "zed"}).exit_code, 3);
  EXPECT_EQ(lb({"history", "--domain-name", "demo", "--profile-name", "zed"}).exit_code, 3);
}

TEST_F(RegistryCli, AddTargetAcrossDomainsAndItsRefusals) {
  lb({"events", "put", "-"}, create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z"));
  std::vector<std::string> args = {
      "replication",           "add-target", "--src-domain-name",    "demo",
      "--src-profile-name",    "alice",      "--target-domain-name", "other",
      "--target-profile-name", "lab",        "--target-kind",        "space"};
  auto r = lb(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json p = json_of(r);
  EXPECT_EQ(p["status"], "pending");
  EXPECT_EQ(p["space_name"], "lab");
  EXPECT_EQ(p["pending_source_efs_uid"], "200001");
  auto again = lb(args);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  auto unknown = lb({"replication", "add-target", "--src-domain-name", "demo", "--src-profile-name",
                     "ghost", "--target-domain-name", "other", "--target-profile-name", "x"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.err.find("demo/user/ghost"), std::string::npos) << unknown.err;
}

TEST_F(RegistryCli, VolumesAndDomains) {
  auto add = lb({"volumes", "add", "home", dir_.path()});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto list = json_of(lb({"volumes", "list"}));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["efs_sys_id"], "home");
  EXPECT_EQ(list[0]["mount_path"], dir_.path());
  EXPECT_EQ(lb({"volumes", "add", "x", dir_ / "missing"}).exit_code, 2);
  EXPECT_EQ(lb({"volumes", "add", "x", "relative"}).exit_code, 2);
  lb({"events", "put", "-"},
     cloud_event(
         "d1", "CreateDomain", "2026-11-29T09:00:00Z",
         {{"domainId", "d-demo"}, {"domainName", "demo"}, {"homeEfsFileSystemId", "home"}}));
  auto domains = json_of(lb({"domains", "list"}));
  ASSERT_EQ(domains.size(), 1u);
  EXPECT_EQ(domains[0]["domain_id"], "d-demo");
  EXPECT_EQ(domains[0]["domain_name"], "demo");
  EXPECT_EQ(domains[0]["status"], "active");
}

TEST_F(RegistryCli, DataDirComesFromTheEnvironmentAndIsPrivate) {
  std::string data = dir_ / "from-env";
  auto r = run_lifeboat({"--output", "json", "domains", "list"}, "", {"LIFEBOAT_DATA_DIR=" + data});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat((data + "/lifeboat.db").c_str(), &st), 0);
  ASSERT_EQ(::stat(data.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // --store wins over the data directory: an unreachable PostgreSQL server is exit 4.
  auto pg = run_lifeboat({"--store", "postgresql://127.0.0.1:1/lifeboat", "domains", "list"}, "",
                         {"LIFEBOAT_DATA_DIR=" + data});
  EXPECT_EQ(pg.exit_code, 4) << pg.err;
  EXPECT_NE(pg.err.find("cannot connect to the store 'postgresql://127.0.0.1:1/lifeboat'"),
            std::string::npos)
      << pg.err;
  auto url = run_lifeboat(
      {"--store", "sqlite://" + (dir_ / "x.db"), "--output", "json", "volumes", "list"});
  EXPECT_EQ(url.exit_code, 0) << url.err;
}

TEST_F(RegistryCli, CloudTrailRecordsViaEventBridge) {
  std::string create_domain =
      R"({"version": "0", "id": "eb-1", "detail-type": "AWS API Call via CloudTrail",
    "source": "aws.sagemaker", "time": "2026-11-29T09:00:00Z",
    "detail": {"eventName": "CreateDomain", "eventID": "ct-1", "eventTime": "2026-11-29T09:00:00Z",
               "requestParameters": {"domainName": "studio", "homeEfsFileSystemId": "fs-0abc"},
               "responseElements": {"domainArn": "arn:aws:sagemaker:us-east-1:123:domain/d-xyz"}}})";
  std::string create_user =
      R"({"version": "0", "id": "eb-2", "detail-type": "AWS API Call via CloudTrail",
    "source": "aws.sagemaker", "time": "2026-11-29T10:00:00Z",
    "detail": {"eventName": "CreateUserProfile", "eventID": "ct-2", "eventTime": "2026-11-29T10:00:00Z",
               "requestParameters": {"domainId": "d-xyz", "userProfileName": "data-scientist"}}})";
  auto r = lb({"events", "put", "-"}, "[" + create_domain + "," + create_user + "]");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  Json p = json_of(
      lb({"profiles", "show", "--domain-name", "studio", "--profile-name", "data-scientist"}));
  EXPECT_EQ(p["domain_id"], "d-xyz");
  EXPECT_EQ(p["status"], "active");
  EXPECT_TRUE(p["efs_uid"].is_null()) << "CloudTrail does not carry the home; the platform would";
}

TEST_F(RegistryCli, TableOutputIsReadable) {
  lb({"events", "put", "-"}, create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z"));
  auto r = run_lifeboat({"--data-dir", dir_ / "data", "--output", "table", "profiles", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("DOMAIN"), std::string::npos);
  EXPECT_NE(r.out.find("home/200001"), std::string::npos) << r.out;
}

// `store copy` and `store status`: the copy is what later commands read from the target.
class StoreCli : public RegistryCli {
 protected:
  std::string url(const std::string& name) { return "sqlite://" + dir_ / name; }
  // Runs lifeboat with JSON output on the store `name` of this test's directory.
  ProcessResult on(const std::string& name, std::vector<std::string> args,
                   const std::string& input = "") {
    args.insert(args.begin(), {"--store", url(name), "--output", "json"});
    return run_lifeboat(args, input);
  }
  ProcessResult copy(const std::string& from, const std::string& to,
                     const std::string& output = "json") {
    return run_lifeboat({"--output", output, "store", "copy", "--from", from, "--to", to});
  }
  void put_users(const std::string& store) {
    auto put = on(store, {"events", "put", "-"},
                  "[" + create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z") + "," +
                      create_user("e2", "bob", "200002", "2026-11-29T10:00:00Z") + "]");
    ASSERT_EQ(put.exit_code, 0) << put.err;
  }
};

TEST_F(StoreCli, CopyThenProfilesListShowsTheSameProfiles) {
  put_users("source.db");
  auto copied = copy(url("source.db"), url("target.db"));
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  Json out = json_of(copied);
  EXPECT_EQ(out["tables"]["profiles"], 2);
  EXPECT_EQ(out["tables"]["processed_events"], 2);
  EXPECT_FALSE(out["tables"].contains("schema_migrations"));
  EXPECT_GT(out["total_rows"].get<int>(), 4);

  auto target_list = on("target.db", {"profiles", "list"});
  ASSERT_EQ(target_list.exit_code, 0) << target_list.err;
  EXPECT_EQ(json_of(target_list).size(), 2u);
  EXPECT_EQ(json_of(target_list), json_of(on("source.db", {"profiles", "list"})));

  auto again = copy(url("source.db"), url("target.db"), "table");
  EXPECT_EQ(again.exit_code, 2) << "the target is no longer empty";
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("table profiles holds 2 rows"), std::string::npos) << again.err;
}

TEST_F(StoreCli, CopyPrintsRowsPerTableAndATotal) {
  put_users("source.db");
  auto copied = copy(url("source.db"), url("target.db"), "table");
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_NE(copied.out.find("ROWS_COPIED"), std::string::npos) << copied.out;
  EXPECT_NE(copied.out.find("profiles"), std::string::npos) << copied.out;
  EXPECT_NE(copied.out.find("total"), std::string::npos) << copied.out;
}

TEST_F(StoreCli, StatusShowsSchemaVersionAndCounts) {
  ASSERT_EQ(lb({"events", "put", "-"}, create_user("e1", "alice", "200001", "2026-11-29T10:00:00Z"))
                .exit_code,
            0);
  auto status = lb({"store", "status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  Json s = json_of(status);
  EXPECT_GE(s["schema_version"].get<int>(), 5);
  EXPECT_EQ(s["schema_version"], s["latest_schema_version"]);
  EXPECT_EQ(s["tables"]["profiles"], 1);
  EXPECT_EQ(s["tables"]["processed_events"], 1);
  EXPECT_EQ(s["url"], "sqlite://" + dir_ / "data/lifeboat.db");
}

TEST_F(StoreCli, BadUrlsGiveClearErrors) {
  auto missing = copy(url("missing.db"), url("target.db"));
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;

  put_users("source.db");
  auto relative = copy(url("source.db"), "sqlite://relative.db");
  EXPECT_EQ(relative.exit_code, 2);
  EXPECT_NE(relative.err.find("--to"), std::string::npos) << relative.err;
  EXPECT_NE(relative.err.find("absolute path"), std::string::npos) << relative.err;

  auto unknown = copy("mysql://x", url("target.db"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("not understood"), std::string::npos) << unknown.err;

  auto itself = copy(url("source.db"), url("source.db"));
  EXPECT_EQ(itself.exit_code, 2);
  EXPECT_NE(itself.err.find("onto itself"), std::string::npos) << itself.err;

  auto no_to = run_lifeboat({"store", "copy", "--from", url("source.db")});
  EXPECT_NE(no_to.exit_code, 0);
  EXPECT_NE(no_to.err.find("--to"), std::string::npos) << no_to.err;
}

}  // namespace
}  // namespace lifeboat::testing

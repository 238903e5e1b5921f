#include "transfer/copy_options.h"

#include <gtest/gtest.h>

#include "transfer/copy_report.h"
#include "transfer/path_filter.h"

namespace lifeboat::transfer {
namespace {

TEST(CopyOptionsTest, AcceptsDataSyncNames) {
  auto o = CopyOptions::from_json(core::Json::parse(R"({
    "Source": "/old", "Target": "/new",
    "TransferMode": "ALL", "OverwriteMode": "NEVER", "PreserveDeletedFiles": "REMOVE",
    "Uid": "NONE", "Gid": "INT_VALUE", "PosixPermissions": "NONE", "PreserveDevices": "PRESERVE",
    "VerifyMode": "POINT_IN_TIME_CONSISTENT", "BytesPerSecond": -1, "Atime": "BEST_EFFORT",
    "Excludes": [{"FilterType": "SIMPLE_PATTERN", "Value": "/tmp|*.bak"}]})"));
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->source, "/old");
  EXPECT_EQ(o->target, "/new");
  EXPECT_EQ(o->transfer_mode, TransferMode::kAll);
  EXPECT_EQ(o->overwrite, OverwriteMode::kNever);
  EXPECT_TRUE(o->delete_extraneous);
  EXPECT_EQ(o->owner.mode(), IdMapping::Mode::kNone);
  EXPECT_EQ(o->group.mode(), IdMapping::Mode::kPreserve);
  EXPECT_FALSE(o->preserve_perms);
  EXPECT_TRUE(o->devices);
  EXPECT_EQ(o->verify, VerifyMode::kAll);
  EXPECT_EQ(o->bwlimit, 0U);
  ASSERT_EQ(o->excludes.size(), 1U);
  EXPECT_EQ(o->excludes[0], "/tmp|*.bak");
}

TEST(CopyOptionsTest, AcceptsLowerCaseNamesAndRoundTrips) {
  auto o = CopyOptions::from_json(core::Json::parse(R"({
    "source": "/a", "target": "/b", "overwrite": "older", "delete": true,
    "owner": "map:1000=2000", "group": "map:100=200,101=201", "verify": "none",
    "bwlimit": 1048576, "parallel": 3, "dry_run": true, "fsync": true,
    "temp_names": true, "exclude": ["*.tmp"], "include": "/docs"})"));
  ASSERT_TRUE(o.is_ok()) << o.status().to_string();
  EXPECT_EQ(o->overwrite, OverwriteMode::kOlder);
  EXPECT_EQ(o->owner.apply(1000), 2000U);
  EXPECT_EQ(o->owner.apply(5), 5U);
  EXPECT_EQ(o->group.apply(101), 201U);
  EXPECT_EQ(o->bwlimit, 1048576U);
  EXPECT_EQ(o->parallel, 3);
  EXPECT_TRUE(o->temp_names);
  auto back = CopyOptions::from_json(o->to_json());
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->to_json(), o->to_json());
}

TEST(CopyOptionsTest, KeepSetuidIsOffUnlessAskedAndRoundTrips) {
  auto plain = CopyOptions::from_json(core::Json::parse(R"({"owner": "map:1001=1002"})"));
  ASSERT_TRUE(plain.is_ok()) << plain.status().to_string();
  EXPECT_FALSE(plain->keep_setuid);
  auto kept = CopyOptions::from_json(core::Json::parse(R"({"keep_setuid": true})"));
  ASSERT_TRUE(kept.is_ok()) << kept.status().to_string();
  EXPECT_TRUE(kept->keep_setuid);
  EXPECT_EQ(kept->to_json()["keep_setuid"], true);
  auto back = CopyOptions::from_json(kept->to_json());
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_TRUE(back->keep_setuid);
  auto bad = CopyOptions::from_json(core::Json::parse(R"({"keep_setuid": "yes"})"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("keep_setuid"), std::string::npos);
}

TEST(CopyOptionsTest, RejectsUnknownFieldsAndBadValuesNamingTheField) {
  auto unknown = CopyOptions::from_json(core::Json::parse(R"({"TransferMod": "ALL"})"));
  ASSERT_FALSE(unknown.is_ok());
  EXPECT_NE(unknown.status().message().find("TransferMod"), std::string::npos);
  auto bad = CopyOptions::from_json(core::Json::parse(R"({"VerifyMode": "SOMETIMES"})"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("VerifyMode"), std::string::npos);
  auto map = CopyOptions::from_json(core::Json::parse(R"({"owner": "map:x"})"));
  ASSERT_FALSE(map.is_ok());
  EXPECT_NE(map.status().message().find("owner"), std::string::npos);
}

TEST(PathFilterTest, GlobRules) {
  EXPECT_TRUE(PathFilter::glob_match("*.txt", "a.txt"));
  EXPECT_FALSE(PathFilter::glob_match("*.txt", "d/a.txt"));
  EXPECT_TRUE(PathFilter::glob_match("**.txt", "d/a.txt"));
  EXPECT_TRUE(PathFilter::glob_match("a?c", "abc"));
  EXPECT_FALSE(PathFilter::glob_match("a?c", "a/c"));
  EXPECT_TRUE(PathFilter::glob_match("[a-c]x", "bx"));
  EXPECT_FALSE(PathFilter::glob_match("[!a-c]x", "bx"));
  EXPECT_TRUE(PathFilter::glob_match("\\*", "*"));
  EXPECT_FALSE(PathFilter::glob_match("\\*", "a"));
}

TEST(PathFilterTest, AnchoringDirOnlyAndBarJoinedPatterns) {
  auto f = PathFilter::create({"/cache|*.log", "build/"}, {});
  ASSERT_TRUE(f.is_ok());
  EXPECT_TRUE(f->excluded("cache", true));
  EXPECT_FALSE(f->excluded("sub/cache", true)) << "a leading / anchors at the root";
  EXPECT_TRUE(f->excluded("deep/down/x.log", false)) << "no / matches the name at any depth";
  EXPECT_TRUE(f->excluded("a/build", true));
  EXPECT_FALSE(f->excluded("a/build", false)) << "a trailing / matches directories only";
  auto g = PathFilter::create({"docs/*.tmp"}, {"/keep/**"});
  ASSERT_TRUE(g.is_ok());
  EXPECT_TRUE(g->excluded("docs/a.tmp", false));
  EXPECT_FALSE(g->excluded("x/docs/a.tmp", false)) << "a / inside anchors too";
  EXPECT_TRUE(g->included("keep/a/b", false));
  EXPECT_FALSE(g->included("other/a", false));
}

TEST(CopyReportTest, JsonHasEveryFieldAndEscapesBadBytes) {
  CopyReport r;
  r.status = CopyStatus::kPartial;
  r.files_failed = 1;
  r.errors.push_back({std::string("bad\xff"), "Input/output error"});
  core::Json j = r.to_json();
  for (const char* key :
       {"status", "estimated_files_to_transfer", "estimated_bytes_to_transfer", "files_transferred",
        "bytes_transferred", "bytes_written", "files_skipped", "files_deleted", "files_verified",
        "files_failed", "prepare_duration_ms", "transfer_duration_ms", "verify_duration_ms",
        "total_duration_ms", "errors"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["status"], "PARTIAL");
  EXPECT_EQ(j["errors"][0]["path"], "bad\\xff");
  EXPECT_EQ(j["errors"][0]["reason"], "Input/output error");
  EXPECT_NO_THROW((void)j.dump());
}

}  // namespace
}  // namespace lifeboat::transfer

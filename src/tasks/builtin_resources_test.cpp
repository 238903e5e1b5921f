#include "tasks/builtin_resources.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "fs/posix_file_system.h"
#include "store/open_store.h"
#include "store/sql_execution_store.h"
#include "tasks/dead_letter_resource.h"
#include "tasks/home_await_resource.h"
#include "tasks/transfer_run_resource.h"
#include "workflow/asl_error.h"

namespace lifeboat::tasks {
namespace {

using core::Json;

class TempDirectory {
 public:
  TempDirectory() {
    std::string templ = (std::filesystem::temp_directory_path() / "lifeboat-tasks-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(HomeAwait, ReturnsOnceTheDirectoryAppears) {
  TempDirectory tmp;
  const std::string home = tmp.path() + "/200005";
  std::thread creator([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::filesystem::create_directory(home);
  });
  HomeAwaitResource res;
  workflow::TaskContext ctx;
  // A long poll interval: only the inotify watch can notice the directory in time.
  auto out = res.run(Json{{"path", home}, {"timeoutSeconds", 30}, {"pollSeconds", 60}}, ctx);
  creator.join();
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ((*out)["ready"], true);
}

TEST(HomeAwait, FailsWithANamedErrorAfterItsTimeout) {
  TempDirectory tmp;
  HomeAwaitResource res;
  workflow::TaskContext ctx;
  auto out = res.run(
      Json{{"path", tmp.path() + "/never"}, {"timeoutSeconds", 0.2}, {"pollSeconds", 0.05}}, ctx);
  ASSERT_FALSE(out.is_ok());
  EXPECT_EQ(workflow::to_asl_error(out.status()).error, "Lifeboat.HomeNotFound");
  // A parent that does not exist falls back to polling and still times out cleanly.
  out = res.run(
      Json{{"path", tmp.path() + "/no/parent"}, {"timeoutSeconds", 0.1}, {"pollSeconds", 0.05}},
      ctx);
  EXPECT_EQ(workflow::to_asl_error(out.status()).error, "Lifeboat.HomeNotFound");
  std::ofstream(tmp.path() + "/file") << "x";
  out = res.run(Json{{"path", tmp.path() + "/file"}, {"timeoutSeconds", 1}}, ctx);
  EXPECT_EQ(workflow::to_asl_error(out.status()).error, "Lifeboat.HomeNotDirectory");
}

TEST(DeadLetter, OneLetterPerExecutionHoldingItsInput) {
  TempDirectory tmp;
  auto store = store::open_store(store::sqlite_url_for_data_dir(tmp.path()));
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  store::SqlExecutionStore executions(**store);
  store::ExecutionWrite w;
  store::ExecutionRecord rec;
  rec.id = "exec-1";
  rec.name = "exec-1";
  rec.definition = "{\"StartAt\":\"A\"}";
  rec.input = "{\"profile\":\"alice\"}";
  rec.cursor = "{}";
  rec.start_time = "2026-01-01T00:00:00.000Z";
  w.creates.push_back(rec);
  ASSERT_TRUE(executions.write(w).is_ok());
  core::FakeClock clock;
  DeadLetterResource res(&executions);
  workflow::TaskContext ctx;
  ctx.clock = &clock;
  ctx.root_execution_id = "exec-1";
  Json caught = {{"Error", "Lifeboat.TransferError"}, {"Cause", "disk full"}};
  auto first = res.run(caught, ctx);
  auto second = res.run(caught, ctx);  // a re-run after a crash
  ASSERT_TRUE(first.is_ok() && second.is_ok());
  EXPECT_EQ((*first)["deadLetterId"], (*second)["deadLetterId"]);
  auto letters = executions.list_dead_letters().value();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].payload, rec.input);
  EXPECT_EQ(letters[0].definition, rec.definition);
  EXPECT_EQ(letters[0].error, "Lifeboat.TransferError");
  EXPECT_EQ(letters[0].cause, "disk full");
}

TEST(BuiltinResources, RegistersEveryUriAndFailsCleanlyWithoutServices) {
  workflow::TaskResourceRegistry resources;
  register_builtin_resources(resources, BuiltinServices{});
  for (const char* uri : {"lifeboat:transfer.run", "lifeboat:home.await",
                          "lifeboat:registry.recordResult", "lifeboat:deadletter.send"})
    EXPECT_TRUE(resources.contains(uri)) << uri;
  workflow::TaskContext ctx;
  auto out = resources.find("lifeboat:transfer.run")->run(Json::object(), ctx);
  EXPECT_EQ(workflow::to_asl_error(out.status()).error, "Lifeboat.Unavailable");
}

TEST(TransferRun, CopiesWithDataSyncOptionsAndIsIdempotent) {
  TempDirectory tmp;
  std::filesystem::create_directories(tmp.path() + "/src/d");
  std::ofstream(tmp.path() + "/src/d/f.txt") << "payload";
  TransferRunResource res(&fs::PosixFileSystem::instance());
  workflow::TaskContext ctx;
  Json input = {
      {"source", tmp.path() + "/src"},
      {"target", tmp.path() + "/dst"},
      {"Options", {{"VerifyMode", "ONLY_FILES_TRANSFERRED"}, {"OverwriteMode", "NEVER"}}}};
  auto first = res.run(input, ctx);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ((*first)["status"], "SUCCESS");
  EXPECT_EQ((*first)["files_transferred"], 1);
  auto again = res.run(input, ctx);  // a re-run after a crash: nothing left to copy
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ((*again)["files_transferred"], 0);
  std::ifstream copied(tmp.path() + "/dst/d/f.txt");
  std::string text;
  copied >> text;
  EXPECT_EQ(text, "payload");
  auto refused = res.run(Json{{"source", tmp.path() + "/src"}, {"bogus", 1}}, ctx);
  EXPECT_EQ(workflow::to_asl_error(refused.status()).error, "Lifeboat.TransferRefused");
}

}  // namespace
}  // namespace lifeboat::tasks

#include "tasks/builtin_resources.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "fs/posix_file_system.h"
#include "store/open_store.h"
#include "store/sql_execution_store.h"
#include "tasks/dead_letter_resource.h"
#include "tasks/home_await_resource.h"
#include "tasks/transfer_run_resource.h"
#include "testing/temp_dir.h"
#include "workflow/asl_error.h"
#include "workflow/executor.h"

namespace lifeboat::tasks {
namespace {

using core::Json;

// home.await never blocks: a missing home is answered with "look again in pollSeconds",
// measured on the executor's clock from the attempt's first run.
TEST(HomeAwait, AnswersLookAgainUntilTheDirectoryAppears) {
  const lifeboat::testing::TempDir tmp("lifeboat-tasks");
  const std::string home = tmp.path() + "/200005";
  core::FakeClock clock;
  HomeAwaitResource res(&fs::PosixFileSystem::instance());
  workflow::TaskContext ctx;
  ctx.clock = &clock;
  ctx.first_run = clock.now();
  const Json input = {{"path", home}, {"timeoutSeconds", 30}, {"pollSeconds", 7}};
  auto out = res.run(input, ctx);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  ASSERT_TRUE(ctx.poll_again_at.has_value());
  EXPECT_EQ(*ctx.poll_again_at, clock.now() + std::chrono::seconds(7));
  // Near the deadline it looks again at the deadline, not later.
  clock.advance(std::chrono::seconds(27));
  ctx.poll_again_at.reset();
  ASSERT_TRUE(res.run(input, ctx).is_ok());
  EXPECT_EQ(*ctx.poll_again_at, ctx.first_run + std::chrono::seconds(30));
  std::filesystem::create_directory(home);
  ctx.poll_again_at.reset();
  out = res.run(input, ctx);
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_FALSE(ctx.poll_again_at.has_value());
  EXPECT_EQ((*out)["ready"], true);
}

TEST(HomeAwait, FailsWithNamedErrors) {
  const lifeboat::testing::TempDir tmp("lifeboat-tasks");
  core::FakeClock clock;
  HomeAwaitResource res(&fs::PosixFileSystem::instance());
  workflow::TaskContext ctx;
  ctx.clock = &clock;
  ctx.first_run = clock.now() - std::chrono::hours(30 * 24) - std::chrono::seconds(1);
  auto out = res.run(Json{{"path", tmp.path() + "/never"}}, ctx);  // default: 30 days
  ASSERT_FALSE(out.is_ok());
  EXPECT_EQ(workflow::to_asl_error(out.status()).error, "Lifeboat.HomeNotFound");
  out = res.run(Json{{"path", tmp.path() + "/no/parent"}}, ctx);
  EXPECT_EQ(workflow::to_asl_error(out.status()).error, "Lifeboat.HomeNotFound");
  std::ofstream(tmp.path() + "/file") << "x";
  out = res.run(Json{{"path", tmp.path() + "/file"}}, ctx);
  EXPECT_EQ(workflow::to_asl_error(out.status()).error, "Lifeboat.HomeNotDirectory");
  // Durations out of range are refused naming the field (9.3e9 s would overflow the clock).
  for (const char* field : {"timeoutSeconds", "pollSeconds", "maxPollSeconds"}) {
    out = res.run(Json{{"path", tmp.path() + "/never"}, {field, 9.3e9}}, ctx);
    ASSERT_FALSE(out.is_ok());
    auto err = workflow::to_asl_error(out.status());
    EXPECT_EQ(err.error, "Lifeboat.InvalidInput");
    EXPECT_NE(err.cause.find(field), std::string::npos) << err.cause;
  }
}

// The wait between looks grows with the time waited: a tenth of it, from pollSeconds up
// to maxPollSeconds.
TEST(HomeAwait, LooksLessOftenTheLongerItWaits) {
  const lifeboat::testing::TempDir tmp("lifeboat-tasks");
  core::FakeClock clock;
  HomeAwaitResource res(&fs::PosixFileSystem::instance());
  workflow::TaskContext ctx;
  ctx.clock = &clock;
  const Json input{{"path", tmp.path() + "/later"}};
  auto wait_after = [&](std::chrono::seconds waited) {
    ctx.first_run = clock.now() - waited;
    ctx.poll_again_at.reset();
    auto out = res.run(input, ctx);
    EXPECT_TRUE(out.is_ok()) << out.status().message();
    EXPECT_TRUE(ctx.poll_again_at.has_value());
    return std::chrono::duration_cast<std::chrono::seconds>(
        ctx.poll_again_at.value_or(clock.now()) - clock.now());
  };
  EXPECT_EQ(wait_after(std::chrono::seconds(0)), std::chrono::seconds(5));
  EXPECT_EQ(wait_after(std::chrono::seconds(600)), std::chrono::seconds(60));
  EXPECT_EQ(wait_after(std::chrono::hours(24)), std::chrono::seconds(300));
  // A month of waiting: about 5 s × 60 + growing waits + 300 s apart: well under 10,000 looks.
  const Json slow{{"path", tmp.path() + "/later"}, {"pollSeconds", 30}, {"maxPollSeconds", 20}};
  ctx.first_run = clock.now();
  ctx.poll_again_at.reset();
  ASSERT_TRUE(res.run(slow, ctx).is_ok());
  EXPECT_EQ(*ctx.poll_again_at - clock.now(),
            std::chrono::seconds(30));  // max below poll: poll wins
}

// In a workflow, a waiting home.await is a durable timer: no thread is held, a restart
// resumes it, and it finishes when the home appears or fails when its time runs out.
TEST(HomeAwait, WaitsInTheExecutorOnTheClockAndSurvivesARestart) {
  const lifeboat::testing::TempDir tmp("lifeboat-tasks");
  auto store = store::open_store(store::sqlite_url_for_data_dir(tmp.path()));
  ASSERT_TRUE(store.is_ok()) << store.status().to_string();
  store::SqlExecutionStore executions(**store);
  core::FakeClock clock;
  workflow::TaskResourceRegistry resources;
  BuiltinServices services;
  services.fs = &fs::PosixFileSystem::instance();
  services.clock = &clock;
  register_builtin_resources(resources, services);
  const Json def = Json::parse(R"({"StartAt": "A", "States": {"A": {"Type": "Task",
      "Resource": "lifeboat:home.await", "Parameters": {"path.$": "$.path",
      "timeoutSeconds": 60, "pollSeconds": 5}, "End": true}}})");
  const std::string home = tmp.path() + "/home";
  auto executor = std::make_unique<workflow::Executor>(executions, resources, clock);
  auto id = executor->start(def, Json{{"path", home}});
  ASSERT_TRUE(id.is_ok());
  executor->run_ready();  // returns: nothing blocks
  auto rec = executions.get_execution(*id).value();
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->status, store::ExecutionStatus::kRunning);
  ASSERT_TRUE(rec->wake_at.has_value());
  EXPECT_EQ(*executor->next_wake_time(), clock.now() + std::chrono::seconds(5));

  // A restart: a new executor finds the wait in the store.
  clock.advance(std::chrono::seconds(12));
  executor = std::make_unique<workflow::Executor>(executions, resources, clock);
  ASSERT_TRUE(executor->recover().is_ok());
  executor->run_ready();
  EXPECT_EQ(executions.get_execution(*id).value()->status, store::ExecutionStatus::kRunning);
  std::filesystem::create_directory(home);
  clock.advance(std::chrono::seconds(5));
  executor->run_ready();
  EXPECT_EQ(executions.get_execution(*id).value()->status, store::ExecutionStatus::kSucceeded);
  auto events = executions.list_events(*id).value();
  int waiting = 0;
  for (const auto& e : events) waiting += e.type == "TaskWaiting" ? 1 : 0;
  EXPECT_EQ(waiting, 1);  // one event for the whole wait, not one per look

  // A home that never appears fails after timeoutSeconds of the executor's clock.
  auto id2 = executor->start(def, Json{{"path", tmp.path() + "/never"}});
  ASSERT_TRUE(id2.is_ok());
  auto done =
      executor->run_until_finished(*id2, [&clock](core::Clock::WallTime t) { clock.set_now(t); });
  ASSERT_TRUE(done.is_ok());
  EXPECT_EQ(done->status, store::ExecutionStatus::kFailed);
  EXPECT_EQ(done->error.value_or(""), "Lifeboat.HomeNotFound");
}

TEST(DeadLetter, OneLetterPerExecutionHoldingItsInput) {
  const lifeboat::testing::TempDir tmp("lifeboat-tasks");
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
  rec.start_time = core::parse_rfc3339("2026-01-01T00:00:00.000Z").value();
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
  const lifeboat::testing::TempDir tmp("lifeboat-tasks");
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

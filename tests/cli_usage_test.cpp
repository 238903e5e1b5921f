// The binary's contract with scripts: --help works, bad usage exits 2.
#include <gtest/gtest.h>

#include "support/process.h"

namespace lifeboat::testing {
namespace {

TEST(CliUsage, HelpExitsZeroAndListsCommands) {
  auto r = run_lifeboat({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("copy"), std::string::npos) << r.out;
}

TEST(CliUsage, UnknownCommandOrOptionExitsTwo) {
  EXPECT_EQ(run_lifeboat({"no-such-command"}).exit_code, 2);
  EXPECT_EQ(run_lifeboat({"--no-such-flag"}).exit_code, 2);
  EXPECT_EQ(run_lifeboat({"--output", "yaml", "copy", "a", "b"}).exit_code, 2);
}

// Scripts and packaging compare this with the release they expect: exactly the project's
// version (CMakeLists.txt `project(... VERSION ...)`) on one line.
TEST(CliUsage, VersionPrintsTheProjectVersion) {
  auto r = run_lifeboat({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string(LIFEBOAT_VERSION) + "\n");
}

}  // namespace
}  // namespace lifeboat::testing

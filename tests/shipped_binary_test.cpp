// Nothing test-only ships: the lifeboat:test.* task resources exist in lifeboat_testbin
// alone, and no environment variable turns them on in the shipped `lifeboat`.
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "support/process.h"

namespace lifeboat::testing {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(ShippedBinary, HoldsNoTestResourceNames) {
  const std::string shipped = file_bytes(lifeboat_bin());
  const std::string testbin = file_bytes(lifeboat_testbin());
  ASSERT_FALSE(shipped.empty()) << lifeboat_bin();
  for (const char* name : {"lifeboat:test.echo", "lifeboat:test.fail", "lifeboat:test.flaky",
                           "lifeboat:test.count", "lifeboat:test.block"}) {
    EXPECT_EQ(shipped.find(name), std::string::npos) << name << " is in " << lifeboat_bin();
    EXPECT_NE(testbin.find(name), std::string::npos) << name << " is not in the test build";
  }
  // The switch that used to turn them on is gone too.
  EXPECT_EQ(shipped.find("LIFEBOAT_ENABLE_TEST_RESOURCES"), std::string::npos);
}

TEST(ShippedBinary, RefusesAWorkflowWithATestResourceWhateverTheEnvironment) {
  TempDir tmp;
  const std::string def = tmp.write("echo.asl.json", R"({"StartAt": "A", "States": {
      "A": {"Type": "Task", "Resource": "lifeboat:test.echo", "End": true}}})");
  auto shipped = run_lifeboat({"--output", "table", "workflow", "validate", def}, "",
                              {"LIFEBOAT_ENABLE_TEST_RESOURCES=1"});
  EXPECT_EQ(shipped.exit_code, 2) << shipped.out << shipped.err;
  EXPECT_NE(shipped.out.find("unknown resource 'lifeboat:test.echo'"), std::string::npos)
      << shipped.out;
  auto testbin = run_lifeboat_testbin({"workflow", "validate", def});
  EXPECT_EQ(testbin.exit_code, 0) << testbin.out << testbin.err;
}

}  // namespace
}  // namespace lifeboat::testing

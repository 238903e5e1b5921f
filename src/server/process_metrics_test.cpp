#include "server/process_metrics.h"

#include <unistd.h>

#include <ctime>

#include <gtest/gtest.h>

namespace lifeboat::server {
namespace {

TEST(ProcessMetricsTest, ParsesStatFieldsAfterTheLastParenthesisOfTheCommandName) {
  // A command name may hold spaces and ") " itself (a process can name itself so).
  const std::string stat =
      "4242 (evil) 1 2 3) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 "
      "1000 123456789 300 18446744073709551615\n";
  auto p = parse_proc_stat(stat, 100, 4096, 1700000000);
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_DOUBLE_EQ(p->cpu_seconds, 3.0);  // (250 + 50) / 100
  EXPECT_DOUBLE_EQ(p->start_time_seconds, 1700000010.0);
  EXPECT_DOUBLE_EQ(p->virtual_bytes, 123456789.0);
  EXPECT_DOUBLE_EQ(p->resident_bytes, 300.0 * 4096);
}

TEST(ProcessMetricsTest, TruncatedStatIsAnError) {
  EXPECT_FALSE(parse_proc_stat("1 (x) S 1 2 3", 100, 4096, 0).is_ok());
  EXPECT_FALSE(parse_proc_stat("no parenthesis", 100, 4096, 0).is_ok());
}

TEST(ProcessMetricsTest, ReadsThisProcess) {
  auto p = read_process_figures();
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_GT(p->resident_bytes, 0);
  EXPECT_GE(p->virtual_bytes, p->resident_bytes);
  EXPECT_GT(p->max_fds, 0);
  // stdin/stdout/stderr at least; a descriptor opened now is counted.
  const auto before = p->open_fds;
  EXPECT_GE(before, 3);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto after = read_process_figures();
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(after->open_fds, before + 2);
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(p->start_time_seconds, now + 1);
  EXPECT_GT(p->start_time_seconds, now - 24 * 3600);  // the test binary started today
}

}  // namespace
}  // namespace lifeboat::server

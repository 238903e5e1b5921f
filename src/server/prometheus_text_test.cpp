#include "server/prometheus_text.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace lifeboat::server {
namespace {

TEST(PrometheusTextTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value(R"(a\b"c)"
                               "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(escape_label_value("plain /v1/{id}"), "plain /v1/{id}");
}

TEST(PrometheusTextTest, FamilyWritesHelpAndTypeWithHelpEscaped) {
  PrometheusText t;
  t.family("lifeboat_x", "one\\two\nthree \"quoted\"", "gauge");
  t.sample("lifeboat_x", {}, 3);
  t.sample("lifeboat_x", {{"status", "a\"b"}, {"kind", "k"}}, 0.25);
  EXPECT_EQ(t.text(),
            "# HELP lifeboat_x one\\\\two\\nthree \"quoted\"\n"
            "# TYPE lifeboat_x gauge\n"
            "lifeboat_x 3\n"
            "lifeboat_x{status=\"a\\\"b\",kind=\"k\"} 0.25\n");
}

TEST(PrometheusTextTest, SampleValuesAreWholeForIntegersAndSpelledForSpecials) {
  EXPECT_EQ(format_sample_value(6000000000.0), "6000000000");
  EXPECT_EQ(format_sample_value(0.001), "0.001");
  EXPECT_EQ(format_sample_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_sample_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_sample_value(std::nan("")), "NaN");
}

TEST(PrometheusTextTest, HistogramWritesCumulativeBucketsInfSumAndCount) {
  Histogram h({0.1, 1});
  h.observe(0.05);
  h.observe(0.1);  // a bound is inclusive: le="0.1"
  h.observe(0.5);
  h.observe(7);
  h.observe(std::nan(""));  // ignored
  PrometheusText t;
  t.histogram("d_seconds", {{"op", "read"}}, h.snapshot());
  EXPECT_EQ(t.text(),
            "d_seconds_bucket{op=\"read\",le=\"0.1\"} 2\n"
            "d_seconds_bucket{op=\"read\",le=\"1\"} 3\n"
            "d_seconds_bucket{op=\"read\",le=\"+Inf\"} 4\n"
            "d_seconds_sum{op=\"read\"} 7.65\n"
            "d_seconds_count{op=\"read\"} 4\n");
}

TEST(PrometheusTextTest, HistogramWithoutLabelsHasOnlyLe) {
  Histogram h({1});
  PrometheusText t;
  t.histogram("x", {}, h.snapshot());
  EXPECT_EQ(t.text(), "x_bucket{le=\"1\"} 0\nx_bucket{le=\"+Inf\"} 0\nx_sum 0\nx_count 0\n");
}

}  // namespace
}  // namespace lifeboat::server

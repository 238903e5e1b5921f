#include "core/time_format.h"

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/ids.h"
#include "core/json.h"

namespace lifeboat::core {
namespace {

TEST(TimeFormat, RoundTripAndOffsets) {
  auto t = parse_rfc3339("2026-11-29T10:00:00Z");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(format_rfc3339(*t), "2026-11-29T10:00:00.000Z");
  auto t2 = parse_rfc3339("2026-11-29T11:30:00.5+01:30");
  ASSERT_TRUE(t2.is_ok());
  EXPECT_EQ(format_rfc3339(*t2), "2026-11-29T10:00:00.500Z");
  auto t3 = parse_rfc3339("2026-11-29T10:00:00.123456789Z");
  ASSERT_TRUE(t3.is_ok());
  EXPECT_EQ((t3->time_since_epoch().count() % 1000000000), 123456789);
}

TEST(TimeFormat, RefusesMalformed) {
  for (const char* bad :
       {"", "2026-11-29", "2026-13-01T00:00:00Z", "2026-11-29T10:00:00", "2026-11-29T10:00:00Zjunk",
        "2026-02-30T00:00:00Z", "2026-11-29T10:00:00."}) {
    auto r = parse_rfc3339(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

// Found by fuzz/event_envelope_fuzzer: a year past 2262 overflowed the nanosecond clock.
TEST(TimeFormat, RefusesYearsTheClockCannotHold) {
  for (const char* far : {"4052-11-29T09:00:00.123+02:00", "9999-12-31T23:59:59Z",
                          "0000-01-01T00:00:00Z", "1677-09-21T00:12:43Z"}) {
    auto r = parse_rfc3339(far);
    ASSERT_FALSE(r.is_ok()) << far;
    EXPECT_NE(r.status().message().find("1678 to 2261"), std::string::npos) << far;
  }
  auto late = parse_rfc3339("2261-12-31T23:59:59.999Z");
  ASSERT_TRUE(late.is_ok()) << late.status().to_string();
  EXPECT_EQ(format_rfc3339(*late), "2261-12-31T23:59:59.999Z");
  auto early = parse_rfc3339("1678-01-01T00:00:00Z");
  ASSERT_TRUE(early.is_ok()) << early.status().to_string();
  EXPECT_EQ(format_rfc3339(*early), "1678-01-01T00:00:00.000Z");
}

TEST(FakeClock, AdvancesBothTimes) {
  FakeClock clock;
  auto w = clock.now();
  auto s = clock.steady_now();
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.now() - w, std::chrono::seconds(5));
  EXPECT_EQ(clock.steady_now() - s, std::chrono::seconds(5));
  EXPECT_EQ(elapsed_ms(clock, s), 5000);
}

TEST(Ids, UuidIsVersion4AndUnique) {
  std::string a = new_uuid(), b = new_uuid();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_NE(a, b);
}

TEST(Json, ParseErrorsNameTheInputAndFieldsNameThePath) {
  auto bad = parse_json("{\"a\":", "event file 'e.json'");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("event file 'e.json'"), std::string::npos);
  auto obj = parse_json(R"({"name":"x","n":3,"s":5})", "t").value();
  EXPECT_EQ(get_string(obj, "name", "data").value(), "x");
  EXPECT_EQ(get_int(obj, "n", "data").value(), 3);
  auto missing = get_string(obj, "nope", "data");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().message(), "missing field data.nope");
  EXPECT_FALSE(get_string(obj, "s", "data").is_ok());
  EXPECT_FALSE(get_optional_string(obj, "nope", "data").value().has_value());
}

}  // namespace
}  // namespace lifeboat::core

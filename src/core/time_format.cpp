#include "core/time_format.h"

#include <cctype>

#include <fmt/format.h>

namespace lifeboat::core {
namespace {

bool read_digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string format_rfc3339(Clock::WallTime t) {
  using namespace std::chrono;
  auto ms = time_point_cast<milliseconds>(t);
  auto days = floor<std::chrono::days>(ms);
  year_month_day ymd{days};
  hh_mm_ss hms{ms - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

Result<Clock::WallTime> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  auto bad = [&](std::string_view why) {
    return Status::invalid_argument(fmt::format(
        "'{}' is not an RFC 3339 timestamp ({}); expected e.g. 2026-11-29T10:00:00Z", s, why));
  };
  int y, mo, d, h, mi, sec;
  if (!read_digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !read_digits(s, 5, 2, mo) ||
      s[7] != '-' || !read_digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
      !read_digits(s, 11, 2, h) || s[13] != ':' || !read_digits(s, 14, 2, mi) || s[16] != ':' ||
      !read_digits(s, 17, 2, sec)) {
    return bad("layout");
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return bad("field out of range");
  size_t pos = 19;
  nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t v = 0;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 9) {
        v = v * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (pos == start) return bad("empty fraction");
    while (digits < 9) {
      v *= 10;
      ++digits;
    }
    frac = nanoseconds{v};
  }
  minutes offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!read_digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !read_digits(s, pos + 4, 2, om)) {
      return bad("offset");
    }
    offset = minutes{oh * 60 + om};
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return bad("missing time zone");
  }
  if (pos != s.size()) return bad("trailing characters");
  // The wall clock counts nanoseconds in 64 bits (the years 1678 to 2261): a time outside
  // would overflow in the conversion, so it is refused while still in whole seconds.
  const seconds whole =
      (sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - offset).time_since_epoch();
  constexpr seconds kLatest = duration_cast<seconds>(Clock::WallTime::duration::max()) - seconds{1};
  constexpr seconds kEarliest =
      duration_cast<seconds>(Clock::WallTime::duration::min()) + seconds{1};
  if (whole > kLatest || whole < kEarliest) return bad("outside the years 1678 to 2261");
  return Clock::WallTime{duration_cast<Clock::WallTime::duration>(whole) + frac};
}

}  // namespace lifeboat::core

#include "cli/progress_bar.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace lifeboat::cli {

std::string human_bytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

void ProgressBar::update(const transfer::CopyProgress& p) {
  double secs = std::max<double>(static_cast<double>(p.elapsed_ms) / 1000.0, 0.001);
  double rate = static_cast<double>(p.bytes_done) / secs;
  std::string eta = "--:--";
  // The walk finds work as it goes, so the estimate grows; the ETA is for what is known.
  if (rate > 0 && p.bytes_estimated > p.bytes_done) {
    auto left =
        static_cast<long long>(static_cast<double>(p.bytes_estimated - p.bytes_done) / rate);
    eta = fmt::format("{}:{:02}", left / 60, left % 60);
  } else if (p.bytes_estimated <= p.bytes_done) {
    eta = "0:00";
  }
  double frac = p.bytes_estimated > 0
                    ? static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_estimated)
                    : 1.0;
  constexpr int kWidth = 20;
  int filled = static_cast<int>(std::clamp(frac, 0.0, 1.0) * kWidth);
  std::string bar = std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(kWidth - filled), '.');
  std::string line =
      fmt::format("[{}] {} files  {} / {}  {}/s  ETA {}", bar, p.files_done,
                  human_bytes(static_cast<double>(p.bytes_done)),
                  human_bytes(static_cast<double>(p.bytes_estimated)), human_bytes(rate), eta);
  size_t pad = last_width_ > line.size() ? last_width_ - line.size() : 0;
  last_width_ = line.size();
  std::fprintf(out_, "\r%s%s%s", line.c_str(), std::string(pad, ' ').c_str(),
               p.finished ? "\n" : "");
  std::fflush(out_);
}

}  // namespace lifeboat::cli

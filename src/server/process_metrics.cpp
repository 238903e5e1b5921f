#include "server/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <sstream>
#include <string>
#include <vector>

#include "core/file_text.h"

namespace lifeboat::server {
namespace {

using core::Status;

std::int64_t count_open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::int64_t n = 0;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  ::closedir(dir);
  return n - 1;  // the descriptor opendir itself holds
}

double boot_time() {
  auto text = core::read_file_text("/proc/stat", "/proc/stat");
  if (!text.is_ok()) return 0;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) return std::strtod(line.c_str() + 6, nullptr);
  }
  return 0;
}

}  // namespace

core::Result<ProcessFigures> parse_proc_stat(std::string_view stat, double ticks_per_second,
                                             double page_size, double boot) {
  // The command name is "(...)" and may hold anything but NUL: the fields start after the
  // LAST ')'.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos) {
    return Status::internal("/proc/self/stat has no ')' after the command name");
  }
  std::vector<std::string_view> fields;
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  // Field 3 of proc(5) (state) is fields[0]: utime 14, stime 15, starttime 22, vsize 23, rss 24.
  if (fields.size() < 22) {
    return Status::internal("/proc/self/stat has fewer fields than proc(5) describes");
  }
  auto number = [&](std::size_t field) {
    const std::string_view f = fields[field - 3];
    double v = 0;
    std::from_chars(f.data(), f.data() + f.size(), v);
    return v;
  };
  ProcessFigures p;
  p.cpu_seconds = (number(14) + number(15)) / ticks_per_second;
  p.start_time_seconds = boot + number(22) / ticks_per_second;
  p.virtual_bytes = number(23);
  p.resident_bytes = number(24) * page_size;
  return p;
}

core::Result<ProcessFigures> read_process_figures() {
  LIFEBOAT_ASSIGN_OR_RETURN(std::string stat,
                            core::read_file_text("/proc/self/stat", "/proc/self/stat"));
  LIFEBOAT_ASSIGN_OR_RETURN(
      ProcessFigures p, parse_proc_stat(stat, static_cast<double>(::sysconf(_SC_CLK_TCK)),
                                        static_cast<double>(::sysconf(_SC_PAGESIZE)), boot_time()));
  p.open_fds = count_open_fds();
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
    p.max_fds = static_cast<std::int64_t>(limit.rlim_cur);
  return p;
}

}  // namespace lifeboat::server

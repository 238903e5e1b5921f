// ProcessMetrics: the standard process_* figures Prometheus client libraries export, read
// from /proc/self the way they read it: CPU time and memory from /proc/self/stat, the start
// time from its start tick plus the boot time in /proc/stat, open descriptors by listing
// /proc/self/fd, the limit from RLIMIT_NOFILE. They describe this daemon's process only.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"

namespace lifeboat::server {

struct ProcessFigures {
  double cpu_seconds = 0;         //!< user + system CPU time
  double resident_bytes = 0;      //!< resident set size
  double virtual_bytes = 0;       //!< virtual memory size
  double start_time_seconds = 0;  //!< since the Unix epoch
  std::int64_t open_fds = 0;
  std::int64_t max_fds = 0;
};

//! Reads the figures of the calling process.
core::Result<ProcessFigures> read_process_figures();

//! Parses the text of /proc/<pid>/stat (fields after the parenthesised command name, which
//! may itself hold spaces and parentheses) into CPU time, memory and start time;
//! `ticks_per_second` and `page_size` as sysconf gives them, `boot_time` from /proc/stat.
core::Result<ProcessFigures> parse_proc_stat(std::string_view stat, double ticks_per_second,
                                             double page_size, double boot_time);

}  // namespace lifeboat::server

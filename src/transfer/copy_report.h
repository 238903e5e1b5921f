// CopyReport: the outcome of one copy, with DataSync's result fields. A plain value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"

namespace lifeboat::transfer {

enum class CopyStatus { kSuccess, kPartial, kError };

//! "SUCCESS", "PARTIAL", "ERROR".
const char* copy_status_name(CopyStatus status);

struct CopyProblem {
  std::string path;    //!< relative to the roots ("" is the root itself); raw bytes
  std::string reason;  //!< what went wrong / why it was skipped
};

struct CopyReport {
  CopyStatus status = CopyStatus::kSuccess;
  std::uint64_t estimated_files_to_transfer = 0;  //!< entries found needing a transfer
  std::uint64_t estimated_bytes_to_transfer = 0;
  std::uint64_t files_transferred = 0;  //!< files, links, symlinks, nodes written
  std::uint64_t bytes_transferred = 0;  //!< bytes read from the source
  std::uint64_t bytes_written = 0;      //!< bytes written to the target (holes excluded)
  std::uint64_t files_skipped = 0;      //!< unchanged, kept by --overwrite, devices skipped
  std::uint64_t files_deleted = 0;      //!< --delete (in a dry run: would be deleted)
  std::uint64_t files_verified = 0;     //!< checksums compared equal
  std::uint64_t files_failed = 0;
  std::int64_t prepare_duration_ms = 0;
  std::int64_t transfer_duration_ms = 0;
  std::int64_t verify_duration_ms = 0;
  std::int64_t total_duration_ms = 0;
  std::vector<CopyProblem> errors;   //!< one per failed path (at most kMaxListed kept)
  std::vector<CopyProblem> skipped;  //!< devices/fifos/sockets skipped (at most kMaxListed)
  std::string message;               //!< why a copy stopped (status ERROR), else empty
  bool dry_run = false;

  static constexpr size_t kMaxListed = 10000;

  //! snake_case JSON: every field above; `errors`/`skipped` as [{"path","reason"}]. Paths
  //! that are not valid UTF-8 are written with invalid bytes as \xNN escapes.
  core::Json to_json() const;
};

//! `text` with every byte that is not part of valid UTF-8 written as "\xNN" (so a path with
//! arbitrary bytes can be put in JSON or on a terminal).
std::string printable_path(const std::string& text);

}  // namespace lifeboat::transfer

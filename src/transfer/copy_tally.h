// CopyTally: what a copy run has done so far — its counters, the failures and skips it
// lists (up to CopyReport::kMaxListed each), and whether and why the run is stopping.
// Shared by every worker of a run; thread safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "transfer/copier.h"
#include "transfer/copy_report.h"

namespace lifeboat::transfer {

class CopyTally {
 public:
  //! One more entry needs a transfer, of `bytes` bytes.
  void estimate(std::uint64_t bytes) {
    files_est_.fetch_add(1, std::memory_order_relaxed);
    bytes_est_.fetch_add(bytes, std::memory_order_relaxed);
  }
  void transferred() { files_transferred_.fetch_add(1, std::memory_order_relaxed); }
  //! `n` bytes read from the source and written to the target.
  void add_bytes(std::uint64_t n) {
    bytes_transferred_.fetch_add(n, std::memory_order_relaxed);
    bytes_written_.fetch_add(n, std::memory_order_relaxed);
  }
  void skipped() { files_skipped_.fetch_add(1, std::memory_order_relaxed); }
  //! Takes back a skipped() when the entry turns out to need a transfer after all.
  void unskip() { files_skipped_.fetch_sub(1, std::memory_order_relaxed); }
  void deleted(std::uint64_t n) { files_deleted_.fetch_add(n, std::memory_order_relaxed); }
  void verified() { files_verified_.fetch_add(1, std::memory_order_relaxed); }

  //! Records a failure of the entry at `rel`. A Cancelled status while stopping is not one
  //! (files cut short by a stop); a full target (ENOSPC, EDQUOT) also stops the run. An
  //! entry that failed already counts once, with its first reason (the verify-all walk
  //! finding missing in the target a file whose copy failed, or was discarded by its check).
  void fail(const std::string& rel, const core::Status& st);
  void fail(const std::string& rel, const std::string& reason);
  //! Records an entry skipped for a reason the user should see.
  void skip_listed(const std::string& rel, const std::string& reason);

  //! Stops the run; the first reason given becomes the report's message.
  void stop(const std::string& message);
  bool stopping() const { return stop_.load(std::memory_order_relaxed); }

  //! Progress so far (elapsed_ms and finished left for the caller).
  CopyProgress progress() const;
  //! Fills in the report's counters, lists, message and status; call once, at the end.
  void fill(CopyReport& report);

 private:
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> files_est_{0}, bytes_est_{0}, files_transferred_{0},
      bytes_transferred_{0}, bytes_written_{0}, files_skipped_{0}, files_deleted_{0},
      files_verified_{0}, files_failed_{0};

  std::mutex mu_;  // guards the lists and the message
  std::vector<CopyProblem> errors_;
  std::vector<CopyProblem> skipped_;
  std::unordered_set<std::string> failed_paths_;  // every failure's path, listed or not
  std::string message_;
};

//! The target file system is full (ENOSPC or EDQUOT).
bool is_target_full(const core::Status& st);

}  // namespace lifeboat::transfer

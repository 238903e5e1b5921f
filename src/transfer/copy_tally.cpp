#include "transfer/copy_tally.h"

#include <cerrno>

#include <fmt/format.h>

namespace lifeboat::transfer {

bool is_target_full(const core::Status& st) {
  return st.sys_errno() == ENOSPC || st.sys_errno() == EDQUOT;
}

void CopyTally::fail(const std::string& rel, const core::Status& st) {
  if (st.code() == core::StatusCode::kCancelled && stopping()) return;
  if (is_target_full(st)) {
    stop(fmt::format(
        "the target file system is full (no space left on device) while writing '{}'; the "
        "copy was stopped: free space on the target and run it again",
        printable_path(rel)));
  }
  fail(rel, st.message());
}

void CopyTally::fail(const std::string& rel, const std::string& reason) {
  std::lock_guard lock(mu_);
  if (!failed_paths_.insert(rel).second) return;
  files_failed_.fetch_add(1, std::memory_order_relaxed);
  if (errors_.size() < CopyReport::kMaxListed) errors_.push_back({rel, reason});
}

void CopyTally::skip_listed(const std::string& rel, const std::string& reason) {
  files_skipped_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  if (skipped_.size() < CopyReport::kMaxListed) skipped_.push_back({rel, reason});
}

void CopyTally::stop(const std::string& message) {
  {
    std::lock_guard lock(mu_);
    if (message_.empty()) message_ = message;
  }
  stop_.store(true);
}

CopyProgress CopyTally::progress() const {
  CopyProgress p;
  p.files_done = files_transferred_.load() + files_skipped_.load() + files_failed_.load();
  p.bytes_done = bytes_transferred_.load();
  p.files_estimated = files_est_.load();
  p.bytes_estimated = bytes_est_.load();
  return p;
}

void CopyTally::fill(CopyReport& r) {
  r.estimated_files_to_transfer = files_est_;
  r.estimated_bytes_to_transfer = bytes_est_;
  r.files_transferred = files_transferred_;
  r.bytes_transferred = bytes_transferred_;
  r.bytes_written = bytes_written_;
  r.files_skipped = files_skipped_;
  r.files_deleted = files_deleted_;
  r.files_verified = files_verified_;
  r.files_failed = files_failed_;
  {
    std::lock_guard lock(mu_);
    r.errors = std::move(errors_);
    r.skipped = std::move(skipped_);
    r.message = message_;
  }
  if (stopping()) {
    r.status = CopyStatus::kError;
  } else if (r.files_failed > 0) {
    r.status = CopyStatus::kPartial;
  }
}

}  // namespace lifeboat::transfer

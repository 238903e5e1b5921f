#include "transfer/data_copy.h"

#include <algorithm>
#include <cerrno>
#include <memory>

#include "transfer/extent_walker.h"

namespace lifeboat::transfer {

using core::Result;
using core::Status;

namespace {

constexpr std::size_t kBufferSize = 1 << 20;
constexpr std::size_t kSmallWrite = 64 << 10;
// Every this many bytes written to one file, their writeback is started (sync_file_range),
// so a large file's data goes to storage while the copy goes on instead of all at the final
// syncfs. Measured on tree (a), 1 GiB in 128 MiB files, one writer: 0.50 s to durable with
// no early writeback, 0.36 s with a 4 MiB window, 0.40 s with 16 MiB. Small files never
// reach it: per-file writeback of 4 KiB files made tree (b) 40 % slower.
constexpr off_t kWritebackWindow = 4 << 20;

// The calling thread's read buffer (kBufferSize bytes): one per worker, shared by copying
// and verifying, which never overlap on a thread.
char* worker_buffer() {
  thread_local std::unique_ptr<char[]> buffer = std::make_unique<char[]>(kBufferSize);
  return buffer.get();
}

}  // namespace

DataCopier::DataCopier(fs::FileSystem& fs, std::uint64_t bwlimit, const core::Clock& clock,
                       std::function<bool()> stop_requested, CopyTally& tally)
    : fs_(fs),
      bwlimit_(bwlimit),
      bucket_(bwlimit, clock),
      chunk_limit_(bwlimit == 0 ? kBufferSize
                                : std::clamp<std::size_t>(bwlimit / 10, 4096, kBufferSize)),
      stop_requested_(std::move(stop_requested)),
      tally_(tally) {}

Status DataCopier::copy(int in, int out, const fs::FileStat& st, ContentHasher* hasher,
                        std::uint64_t& copied_size) {
  char* buffer = hasher != nullptr ? worker_buffer() : nullptr;
  const bool sparse = is_sparse(st);
  off_t writeback_from = 0;  // start of the bytes written since writeback was last started
  auto on_hole = [hasher](std::uint64_t n) {
    if (hasher != nullptr) hasher->update_zeros(n);
  };
  auto on_data = [&](off_t pos, std::size_t want) -> Result<std::size_t> {
    // A stop request is seen between chunks, not only between files: the file in progress
    // is abandoned (its temporary is removed), so a stop is prompt.
    if (stop_requested_()) return Status::cancelled("copy stopped");
    if (bwlimit_ > 0) bucket_.acquire(want);
    std::size_t got = 0;
    if (hasher != nullptr) {
      auto n = fs_.pread(in, buffer, want, pos);
      if (!n.is_ok()) return n.status();
      got = *n;
      if (got > 0) {
        hasher->update(buffer, got);
        LIFEBOAT_RETURN_IF_ERROR(copy_exactly(in, out, pos, got, buffer));
      }
    } else {
      auto n = fs_.copy_range(in, pos, out, pos, want);
      if (!n.is_ok()) return n.status();
      got = *n;
    }
    if (got == 0) return got;
    tally_.add_bytes(got);
    const off_t end = pos + static_cast<off_t>(got);
    if (end - writeback_from >= kWritebackWindow) {
      Status wb = fs_.start_writeback(out, writeback_from, end - writeback_from);
      // Only a hint where the file system has no such thing; a real write error counts.
      if (!wb && wb.sys_errno() != EINVAL && wb.sys_errno() != ESPIPE) return wb;
      writeback_from = end;
    }
    return got;
  };
  auto end = walk_extents(fs_, in, st.size, sparse, chunk_limit_, on_hole, on_data);
  if (!end.is_ok()) return end.status();
  // The file may have shrunk while being read: the copy is what was there.
  copied_size = *end;
  if (sparse || copied_size < st.size) {
    LIFEBOAT_RETURN_IF_ERROR(fs_.truncate_fd(out, static_cast<off_t>(copied_size)));
  }
  return Status::ok();
}

// Puts `count` bytes of `in` at `pos` into `out` at the same offset by the kernel's copy
// (copy_file_range, as cp does; `bytes`, what was just read there and hashed, fill in if
// the source has shrunk since). Not a pwrite of `bytes`: a large write makes the kernel
// allocate large page-cache folios, which on this project's VMs come from memory the
// balloon (free page reporting) has handed back to the host, so every first touch is a
// host page fault: 1 GiB (tree (a)) took 1.0–2.3 s in 1 MiB and 256 KiB writes at times
// against a steady 0.45–0.55 s by the kernel's copy, which works in 64 KiB pieces. A
// source that changes in between fails the verify, as it should.
Status DataCopier::copy_exactly(int in, int out, off_t pos, std::size_t count, const char* bytes) {
  std::size_t done = 0;
  while (done < count) {
    const off_t at = pos + static_cast<off_t>(done);
    // Up to 64 KiB, a write from the buffer (no larger folios than the kernel's copy makes,
    // and one system call less for the small files most homes are made of).
    auto n = count <= kSmallWrite ? fs_.pwrite(out, bytes + done, count - done, at)
                                  : fs_.copy_range(in, at, out, at, count - done);
    if (!n.is_ok()) return n.status();
    if (*n == 0) {
      // The source shrank since it was read: the bytes that were read go in as they were.
      n = fs_.pwrite(out, bytes + done, count - done, at);
      if (!n.is_ok()) return n.status();
      if (*n == 0) return Status::from_errno(EIO, "write returned 0");
    }
    done += *n;
  }
  return Status::ok();
}

Result<std::string> hash_file(fs::FileSystem& fs, int fd, std::uint64_t size, bool sparse) {
  char* buffer = worker_buffer();
  ContentHasher h;
  auto on_hole = [&h](std::uint64_t n) { h.update_zeros(n); };
  auto on_data = [&](off_t pos, std::size_t want) -> Result<std::size_t> {
    auto n = fs.pread(fd, buffer, want, pos);
    if (!n.is_ok()) return n.status();
    if (*n == 0) return Status::io_error("file shorter than expected");
    h.update(buffer, *n);
    return *n;
  };
  auto end = walk_extents(fs, fd, size, sparse, kBufferSize, on_hole, on_data);
  if (!end.is_ok()) return end.status();
  return h.hex_digest();
}

Status verify_written(fs::FileSystem& fs, int fd, std::uint64_t size, const std::string& expected,
                      bool sparse) {
  auto digest = hash_file(fs, fd, size, sparse);
  if (!digest.is_ok()) return digest.status().with_context("verify");
  if (*digest != expected) {
    return Status::io_error("verify: the written copy's checksum differs from the source's");
  }
  return Status::ok();
}

}  // namespace lifeboat::transfer

#include "transfer/copier.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "transfer/content_hasher.h"
#include "transfer/path_filter.h"
#include "transfer/token_bucket.h"

namespace lifeboat::transfer {

using core::Result;
using core::Status;
using fs::DirEntry;
using fs::Fd;
using fs::FileStat;
using fs::FileType;

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

std::string join_path(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

bool older(const timespec& a, const timespec& b) {
  return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

// Fewer blocks allocated than the size needs: the file has holes worth keeping.
bool is_sparse(const FileStat& st) { return st.size > 0 && st.blocks * 512 < st.size; }

bool is_target_full(const Status& st) {
  return st.sys_errno() == ENOSPC || st.sys_errno() == EDQUOT;
}

// The umask, read without changing it (umask(2) would race with other threads).
mode_t current_umask() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Umask:", 0) == 0)
      return static_cast<mode_t>(std::stoul(line.substr(6), nullptr, 8));
  }
  return 022;
}

// The walk holds a bounded number of descriptors (see kMaxIdleDirs); the limit is raised
// anyway so that many workers on a wide tree never meet EMFILE.
void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// One directory being copied. Alive while it or anything below it is in progress; the
// last one to finish (pending reaches 0) sets the directory's own metadata — after its
// contents, so their creation does not disturb its mtime — and then releases its parent.
// Its descriptors are open only while pinned by a job or idle among the most recently used
// (CopyRun::pin), so a chain of any depth holds a bounded number of descriptors.
struct DirNode {
  std::shared_ptr<DirNode> parent;  // null for the root; dropped once the directory is done
  std::string name;                 // name in the parent; the path is built by rel_of
  Fd src;
  Fd dst;                // invalid in a dry run when the target directory does not exist
  bool has_dst = false;  // the target directory exists (dst open, or can be reopened)
  FileStat src_stat;
  std::uint64_t dst_dev = 0;  // the target directory's identity, recorded when dst is closed
  std::uint64_t dst_ino = 0;
  bool dst_created = false;
  // An existing target directory under --overwrite never|older: merged into, but its own
  // owner, mode, ACLs, xattrs and times are left as they are.
  bool keep_metadata = false;
  bool included = false;  // inside a directory that matched an include pattern
  std::atomic<int> pending{1};
  // Guarded by CopyRun::fds_mu_.
  int pins = 0;
  bool done = false;  // finished: descriptors closed for good
  bool idle = false;  // open, unpinned, in CopyRun::idle_ at idle_pos
  std::list<DirNode*>::iterator idle_pos;
};
using NodePtr = std::shared_ptr<DirNode>;

// The path of `node` from the root ("" for the root), built when needed: a directory does
// not keep its own path, since the paths of a deep chain would take memory quadratic in its
// depth. Only for directories in progress (a finished one has let go of its parent).
std::string rel_of(const DirNode& node) {
  std::vector<const std::string*> names;
  for (const DirNode* n = &node; n->parent != nullptr; n = n->parent.get()) {
    names.push_back(&n->name);
  }
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (!out.empty()) out += '/';
    out += **it;
  }
  return out;
}

// An entry of a directory in progress: its path is built only for a message or a pattern.
struct EntryPath {
  const DirNode* dir;
  const std::string& name;
  std::string str() const { return join_path(rel_of(*dir), name); }
};

struct Job {
  NodePtr node;                 // directory the entries belong to (or the parent of `name`)
  std::vector<DirEntry> batch;  // entries to copy; empty for a directory-open job
  std::string dir_name;         // directory-open job: the child to open
};

// A hard-link group: the first path of an inode to be copied becomes the target's
// original, the others link to it.
struct LinkGroup {
  enum class State { kCopying, kDone, kFailed } state = State::kCopying;
  std::string target_rel;  // where the first copy went
};

constexpr size_t kBatchSize = 128;
// Directories in progress whose descriptors stay open while no job uses them (two each);
// beyond this the least recently used are closed and reopened when next needed.
constexpr size_t kMaxIdleDirs = 256;
// Tree walks that keep a stack of their own (verify, removal) keep the descriptors of this
// many levels open; deeper ones are closed on the way down and reopened through "..".
constexpr size_t kOpenLevels = 64;
constexpr size_t kBufferSize = 1 << 20;
constexpr size_t kSmallWrite = 64 << 10;

// The calling thread's read buffer (kBufferSize bytes): one per worker, shared by copying
// and verifying, which never overlap on a thread.
char* worker_buffer() {
  thread_local std::unique_ptr<char[]> buffer = std::make_unique<char[]>(kBufferSize);
  return buffer.get();
}
// Every this many bytes written to one file, their writeback is started (sync_file_range),
// so a large file's data goes to storage while the copy goes on instead of all at the final
// syncfs. Measured on tree (a), 1 GiB in 128 MiB files, one writer: 0.50 s to durable with
// no early writeback, 0.36 s with a 4 MiB window, 0.40 s with 16 MiB. Small files never
// reach it: per-file writeback of 4 KiB files made tree (b) 40 % slower.
constexpr off_t kWritebackWindow = 4 << 20;

class CopyRun {
 public:
  CopyRun(fs::FileSystem& fs, const CopyOptions& options, PathFilter filter,
          const ProgressCallback& progress, std::stop_token stop)
      : fs_(fs),
        opt_(options),
        filter_(std::move(filter)),
        progress_(progress),
        stop_token_(std::move(stop)),
        bucket_(options.bwlimit),
        chunk_limit_(options.bwlimit == 0
                         ? kBufferSize
                         : std::clamp<std::size_t>(options.bwlimit / 10, 4096, kBufferSize)),
        umask_(current_umask()),
        is_root_(::geteuid() == 0),
        strip_setuid_(!options.keep_setuid && (options.owner.mode() != IdMapping::Mode::kPreserve ||
                                               options.group.mode() != IdMapping::Mode::kPreserve)),
        euid_(::geteuid()),
        egid_(::getegid()) {
    std::random_device rd;
    temp_tag_ = fmt::format("{:08x}", rd());
  }

  Result<CopyReport> run();

 private:
  //! Makes `--owner home` / `--group home` concrete from the two roots' owners (read from
  //! the opened descriptors, so a swapped path cannot change them). Refuses a target the
  //! copy would have to create (nobody owns it yet). A target root owned by root (uid or
  //! gid 0) means preserve: the old home's files never become root's (docs/security.md).
  Status resolve_home_owners(bool target_existed, const fs::FileStat& src_root,
                             const fs::FileStat& dst_root);

  //! True when directory `from` is `other` or lies below it.
  Result<bool> is_inside(int from, const FileStat& other);

  // --- the walk ---
  void worker();
  void push(Job job);
  void run_job(Job& job);
  //! The child's node (now holding the count the job took on `parent`), or null on failure.
  NodePtr open_dir(const NodePtr& parent, const std::string& name);
  void list_dir(const NodePtr& node);
  void release(const NodePtr& node);
  void finalize_dir(DirNode& node);
  //! Makes sure node.src (and node.dst when it has one) are open and keeps them so until
  //! unpin: reopened from the parent by name if they were closed, and checked to still be
  //! the same directories.
  Status pin(DirNode& node);
  void unpin(DirNode& node);
  void unpin_locked(DirNode& node);
  //! Closes an idle node's descriptors (the least recently used) while there are too many.
  void trim_idle_locked();
  //! When the parent of `node` (open, finished) is closed and waits for `node` alone, gets
  //! its descriptors back through ".." of node's: one step, where a reopen by name would
  //! start from the nearest open ancestor.
  void reopen_parent_from(DirNode& node);
  //! For good: the directory is finished.
  void close_dir(DirNode& node);
  Status reopen_locked(DirNode& node);
  //! Opens directory `name` ("..": the parent) of `dir_fd` for reading, never following a
  //! symlink, and checks it is the directory (dev, ino) met before: ESTALE-style
  //! FailedPrecondition when it was moved or replaced meanwhile.
  Result<Fd> open_dir_checked(const std::string& name, int dir_fd, std::uint64_t dev,
                              std::uint64_t ino);
  void process_entry(const NodePtr& node, const DirEntry& entry);
  //! Queues the copy of subdirectory `name` of `node` (which it keeps pending meanwhile).
  void push_dir(const NodePtr& node, const std::string& name);

  // --- one entry ---
  void copy_regular(DirNode& node, const std::string& name, const EntryPath& rel,
                    const FileStat& st);
  // `src` is the source already opened and checked, or invalid to open it here.
  Status write_regular(DirNode& node, const std::string& name, const FileStat& st,
                       const FileStat* existing, Fd src);
  // A regular file in a directory this run created: opened before it is stat'ed (one
  // system call fewer). False when it turned out not to be a regular file after all.
  bool copy_fresh_regular(DirNode& node, const std::string& name, const EntryPath& rel);
  Result<Fd> open_source(DirNode& node, const std::string& name);
  // Files: O_NONBLOCK|O_NOCTTY, so that a fifo or device never blocks or wakes up; callers
  // check the type on the descriptor before reading. Tries O_NOATIME first.
  Result<Fd> open_for_reading(int dir_fd, const std::string& name,
                              int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY);
  void copy_new_file(DirNode& node, const std::string& name, const EntryPath& rel,
                     const FileStat& st, const FileStat* existing, Fd src);
  Status copy_data(int in, int out, const FileStat& st, ContentHasher* hasher,
                   std::uint64_t& copied_size);
  // Puts `count` bytes of `in` at `pos` into `out` at the same offset by the kernel's copy
  // (copy_file_range, as cp does; `bytes`, what was just read there and hashed, fill in if
  // the source has shrunk since). Not a pwrite of `bytes`: a large write makes the kernel
  // allocate large page-cache folios, which on this project's VMs come from memory the
  // balloon (free page reporting) has handed back to the host, so every first touch is a
  // host page fault: 1 GiB (tree (a)) took 1.0–2.3 s in 1 MiB and 256 KiB writes at times
  // against a steady 0.45–0.55 s by the kernel's copy, which works in 64 KiB pieces. A
  // source that changes in between fails the verify, as it should.
  Status copy_exactly(int in, int out, off_t pos, size_t count, const char* bytes);
  // Re-reads the written copy (skipping holes when `sparse`) and compares its checksum.
  Status verify_written(int fd, std::uint64_t size, const std::string& expected, bool sparse);
  void copy_symlink(DirNode& node, const std::string& name, const EntryPath& rel,
                    const FileStat& st);
  void copy_special(DirNode& node, const std::string& name, const EntryPath& rel,
                    const FileStat& st);
  // Finishes a symlink or node created as `tmp`: owner, mode or xattrs, times, rename to
  // `name`; a failure is recorded and the temporary removed.
  void settle_named(DirNode& node, const std::string& tmp, const std::string& name,
                    const EntryPath& rel, const FileStat& st, const FileStat* existing);
  // For an unchanged name of a multiply linked file: links it to the copy of another name
  // of the same inode made earlier in this run if that is a different inode. True if it did.
  bool relink_if_split(DirNode& node, const std::string& name, const EntryPath& rel,
                       const FileStat& st, const FileStat& existing);
  bool link_hard(DirNode& node, const std::string& name, const EntryPath& rel, const FileStat& st,
                 bool& is_first);
  void finish_link_group(const FileStat& st, bool ok, const EntryPath& rel);
  // Looks at what the target holds at `name` (`existing`: nullopt for nothing). False when
  // the entry is done with: the lookup failed (recorded) or --overwrite keeps what is there
  // (counted as skipped).
  bool check_target(DirNode& node, const std::string& name, const EntryPath& rel,
                    const FileStat& st, std::optional<FileStat>& existing);
  // Decides whether an existing target entry is kept; true = skip this entry.
  bool keep_existing(const FileStat& src, const FileStat* dst);
  // Renames the finished temporary `tmp` to `name` (removing a directory in the way first);
  // on failure the temporary is removed.
  Status put_in_place(DirNode& node, const std::string& tmp, const std::string& name,
                      const FileStat* existing);
  //! Whether directory `dir_fd` takes unnamed files that can be linked into place.
  bool probe_unnamed_files(int dir_fd);
  //! Whether new files are written unnamed: probed once, in the directory of the first new
  //! file (a directory that is changing anyway: the target's other directories are left
  //! untouched, which --overwrite never|older promise).
  bool use_unnamed(int dir_fd);
  //! The descriptor a new copy of `name` is written through: an unnamed file when `unnamed`
  //! (cleared if the file system turns out not to have them), else the temporary `tmp`.
  Result<Fd> create_output(DirNode& node, const std::string& name, mode_t mode, bool& unnamed,
                           std::string& tmp);
  //! Puts the finished unnamed file `fd` in place as `name`. False when an entry appeared
  //! under `name` during the copy and the overwrite rules keep it.
  Result<bool> link_output(DirNode& node, int fd, const std::string& name, const FileStat& st);
  // `fresh`: the file was just created by this run in a directory it created, so it already
  // has the copier's own ids.
  Status set_owner_fd(int fd, const FileStat& st, bool fresh = false);
  Status set_perms_fd(int fd, const FileStat& st);
  //! The permission bits a copy of the non-directory `st` gets: the source's (setuid and
  //! setgid dropped when ids are remapped, see strip_setuid_) or 0666 minus the umask.
  mode_t file_mode(const FileStat& st) const;
  Status copy_xattrs(int src_fd, const std::string& src_link, int dst_fd,
                     const std::string& dst_link);
  Status remove_tree(int dir_fd, const std::string& name, bool is_dir, std::uint64_t& removed);
  std::string temp_name();

  // --- bookkeeping ---
  void fail(const std::string& rel, const Status& st);
  void fail(const std::string& rel, const std::string& reason);
  void fail(const EntryPath& rel, const Status& st) { fail(rel.str(), st); }
  void fail(const EntryPath& rel, const std::string& reason) { fail(rel.str(), reason); }
  NodePtr fail_dir(const EntryPath& rel, const Status& st) {
    fail(rel, st);
    return nullptr;
  }
  NodePtr fail_dir(const EntryPath& rel, const std::string& reason) {
    fail(rel, reason);
    return nullptr;
  }
  NodePtr skip_dir(const EntryPath& rel, const std::string& reason) {
    skip_listed(rel.str(), reason);
    return nullptr;
  }
  void skip_listed(const std::string& rel, const std::string& reason);
  bool stopping() const { return stop_.load(std::memory_order_relaxed); }
  // Turns a request on the caller's stop token into a stop of this run; true when stopping.
  bool stop_requested();
  void progress_loop(std::stop_token token);
  CopyProgress snapshot(bool finished) const;

  // --- verify all ---
  //! Compares the trees below the two open roots, one level at a time on a stack of its own.
  void verify_tree(Fd src_root, Fd dst_root);
  //! Compares one non-directory entry `e` of the directories `src_dir` and `dst_dir`; `rel`
  //! gives its path for a message.
  void verify_entry(int src_dir, int dst_dir, const DirEntry& e, const FileStat& st,
                    const std::function<std::string()>& rel);
  // XXH3-128 of the first `size` bytes of `fd`; holes (when `sparse`) are hashed as zeros
  // without being read.
  Result<std::string> hash_file(int fd, std::uint64_t size, bool sparse);

  fs::FileSystem& fs_;
  CopyOptions opt_;  // a copy: `home` id mappings are resolved once the roots are open
  PathFilter filter_;
  const ProgressCallback& progress_;
  std::stop_token stop_token_;
  TokenBucket bucket_;
  // Bytes per read/write chunk: with --bwlimit, about a tenth of a second's worth, so the
  // limit is smooth across workers and a stop is seen soon.
  std::size_t chunk_limit_ = kBufferSize;
  mode_t umask_;
  bool is_root_;
  // Owner or group remapped (not `preserve`) and no --keep-setuid: copies of non-directories
  // lose setuid/setgid bits and file capabilities (see CopyOptions::keep_setuid).
  bool strip_setuid_;
  uid_t euid_;
  gid_t egid_;
  int threads_ = 1;
  std::string temp_tag_;
  std::atomic<std::uint64_t> temp_counter_{0};
  // New files are written unnamed and linked into place (see copier.h); false once the
  // target has shown it cannot.
  std::atomic<bool> unnamed_ok_{false};
  std::once_flag unnamed_probed_;
  Fd dst_root_;
  Clock::time_point start_;

  // Directory descriptors in use (DirNode::pins) and idle ones, least recently used first.
  std::mutex fds_mu_;
  std::list<DirNode*> idle_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  std::size_t outstanding_ = 0;  // jobs queued or running

  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> files_est_{0}, bytes_est_{0}, files_transferred_{0},
      bytes_transferred_{0}, bytes_written_{0}, files_skipped_{0}, files_deleted_{0},
      files_verified_{0}, files_failed_{0};

  std::mutex report_mu_;
  std::vector<CopyProblem> errors_;
  std::vector<CopyProblem> skipped_;
  std::string message_;

  std::mutex links_mu_;
  std::condition_variable links_cv_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, LinkGroup> links_;
};

// ---------------------------------------------------------------------------------------

void CopyRun::fail(const std::string& rel, const Status& st) {
  // Files cut short by a stop are not failures of their own.
  if (st.code() == core::StatusCode::kCancelled && stopping()) return;
  if (is_target_full(st)) {
    std::lock_guard lock(report_mu_);
    if (message_.empty()) {
      message_ = fmt::format(
          "the target file system is full (no space left on device) while writing '{}'; the "
          "copy was stopped: free space on the target and run it again",
          printable_path(rel));
    }
    stop_.store(true);
  }
  fail(rel, st.message());
}

void CopyRun::fail(const std::string& rel, const std::string& reason) {
  files_failed_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(report_mu_);
  if (errors_.size() < CopyReport::kMaxListed) errors_.push_back({rel, reason});
}

void CopyRun::skip_listed(const std::string& rel, const std::string& reason) {
  files_skipped_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(report_mu_);
  if (skipped_.size() < CopyReport::kMaxListed) skipped_.push_back({rel, reason});
}

std::string CopyRun::temp_name() {
  return fmt::format("{}{}.{:x}", kTempPrefix, temp_tag_, temp_counter_.fetch_add(1));
}

CopyProgress CopyRun::snapshot(bool finished) const {
  CopyProgress p;
  p.files_done = files_transferred_.load() + files_skipped_.load() + files_failed_.load();
  p.bytes_done = bytes_transferred_.load();
  p.files_estimated = files_est_.load();
  p.bytes_estimated = bytes_est_.load();
  p.elapsed_ms = ms_since(start_);
  p.finished = finished;
  return p;
}

void CopyRun::progress_loop(std::stop_token token) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  while (!token.stop_requested()) {
    cv.wait_for(lock, token, std::chrono::milliseconds(250), [] { return false; });
    if (token.stop_requested()) break;
    progress_(snapshot(false));
  }
}

// --- the work queue ---------------------------------------------------------------------

void CopyRun::push(Job job) {
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back(std::move(job));
    ++outstanding_;
  }
  queue_cv_.notify_one();
}

void CopyRun::worker() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return !queue_.empty() || outstanding_ == 0; });
      if (queue_.empty()) return;
      // Newest first: the walk goes depth-first, which keeps few directories open.
      job = std::move(queue_.back());
      queue_.pop_back();
    }
    try {
      run_job(job);
    } catch (const std::exception& e) {
      // Exceptions never cross the thread: they become an error of the directory.
      fail(job.node ? rel_of(*job.node) : std::string(),
           fmt::format("internal error: {}", e.what()));
      release(job.node);
    }
    job = Job{};
    bool done = false;
    {
      std::lock_guard lock(queue_mu_);
      done = --outstanding_ == 0;
    }
    if (done) queue_cv_.notify_all();
  }
}

bool CopyRun::stop_requested() {
  if (stop_token_.stop_requested() && !stop_.load()) {
    std::lock_guard lock(report_mu_);
    if (message_.empty()) message_ = "the copy was cancelled before it finished";
    stop_.store(true);
  }
  return stopping();
}

void CopyRun::run_job(Job& job) {
  (void)stop_requested();
  DirNode& dir = *job.node;
  if (job.batch.empty()) {
    NodePtr child;
    if (!stopping()) {
      if (Status p = pin(dir); !p) {
        fail(EntryPath{&dir, job.dir_name}, p);
      } else {
        child = open_dir(job.node, job.dir_name);
        if (child) unpin(*child);
        unpin(dir);
      }
    }
    // The job's count on the parent passes to the child, released when the child is done.
    release(child ? child : job.node);
    return;
  }
  if (!stopping()) {
    if (Status p = pin(dir); !p) {
      fail(rel_of(dir), p);
    } else {
      for (const DirEntry& entry : job.batch) {
        if (stopping()) break;
        process_entry(job.node, entry);
      }
      unpin(dir);
    }
  }
  release(job.node);
}

void CopyRun::release(const NodePtr& start) {
  // A loop, not a recursion: finishing the bottom of a deep chain finishes every level.
  NodePtr node = start;
  while (node && node->pending.fetch_sub(1) == 1) {
    if (!stopping()) {
      if (Status p = pin(*node); !p) {
        fail(rel_of(*node), p);
      } else {
        finalize_dir(*node);
        if (node->parent != nullptr) reopen_parent_from(*node);
      }
    }
    close_dir(*node);
    // Let go of the parent here, so that no chain of owners is left to be destroyed by
    // nested destructor calls (one stack frame per level).
    NodePtr parent = std::move(node->parent);
    node = std::move(parent);
  }
}

// --- directory descriptors --------------------------------------------------------------

Status CopyRun::pin(DirNode& node) {
  std::lock_guard lock(fds_mu_);
  // The closed directories from `node` up to the nearest open one (the root never closes).
  std::vector<DirNode*> closed;
  DirNode* open = &node;
  while (!open->src.valid()) {
    if (open->done || open->parent == nullptr) {
      return Status::failed_precondition("directory no longer open");
    }
    closed.push_back(open);
    open = open->parent.get();
  }
  if (open->idle) {
    idle_.erase(open->idle_pos);
    open->idle = false;
  }
  ++open->pins;
  // Reopened from the top down, each from its (pinned) parent.
  for (auto it = closed.rbegin(); it != closed.rend(); ++it) {
    DirNode& child = **it;
    Status st = reopen_locked(child);
    unpin_locked(*child.parent);
    if (!st) return st;
    ++child.pins;
  }
  return Status::ok();
}

void CopyRun::unpin(DirNode& node) {
  std::lock_guard lock(fds_mu_);
  unpin_locked(node);
}

void CopyRun::unpin_locked(DirNode& node) {
  if (--node.pins > 0 || node.done || node.parent == nullptr) return;
  idle_.push_back(&node);
  node.idle_pos = std::prev(idle_.end());
  node.idle = true;
  trim_idle_locked();
}

void CopyRun::trim_idle_locked() {
  while (idle_.size() > kMaxIdleDirs) {
    DirNode& old = *idle_.front();
    idle_.pop_front();
    old.idle = false;
    if (old.dst.valid()) {
      // Its identity, to make sure a reopen by name finds the same directory.
      auto st = fs_.stat_at(old.dst.get(), "");
      old.dst_dev = st.is_ok() ? st->dev : 0;
      old.dst_ino = st.is_ok() ? st->ino : 0;
    }
    old.src.reset();
    old.dst.reset();
  }
}

void CopyRun::reopen_parent_from(DirNode& node) {
  std::lock_guard lock(fds_mu_);
  DirNode& parent = *node.parent;
  if (parent.done || parent.src.valid() || parent.pending.load() != 1 || !node.src.valid()) {
    return;
  }
  auto src = open_dir_checked("..", node.src.get(), parent.src_stat.dev, parent.src_stat.ino);
  if (!src.is_ok()) return;  // pin tries again by name and reports what it finds
  if (parent.has_dst) {
    if (!node.dst.valid()) return;
    auto dst = open_dir_checked("..", node.dst.get(), parent.dst_dev, parent.dst_ino);
    if (!dst.is_ok()) return;
    parent.dst = std::move(*dst);
  }
  parent.src = std::move(*src);
  ++parent.pins;
  unpin_locked(parent);  // idle, most recently used
}

void CopyRun::close_dir(DirNode& node) {
  std::lock_guard lock(fds_mu_);
  if (node.idle) idle_.erase(node.idle_pos);
  node.idle = false;
  node.done = true;
  node.pins = 0;
  node.src.reset();
  node.dst.reset();
}

Status CopyRun::reopen_locked(DirNode& node) {
  const DirNode& parent = *node.parent;
  auto src = open_dir_checked(node.name, parent.src.get(), node.src_stat.dev, node.src_stat.ino);
  if (!src.is_ok()) return src.status();
  if (node.has_dst) {
    auto dst = open_dir_checked(node.name, parent.dst.get(), node.dst_dev, node.dst_ino);
    if (!dst.is_ok()) return dst.status();
    node.dst = std::move(*dst);
  }
  node.src = std::move(*src);
  return Status::ok();
}

// --- directories ------------------------------------------------------------------------

Result<Fd> CopyRun::open_dir_checked(const std::string& name, int dir_fd, std::uint64_t dev,
                                     std::uint64_t ino) {
  auto fd = open_for_reading(dir_fd, name, O_RDONLY | O_DIRECTORY);
  if (!fd.is_ok()) return fd.status();
  auto st = fs_.stat_at(fd->get(), "");
  if (!st.is_ok()) return st.status();
  if (st->dev != dev || st->ino != ino) {
    return Status::failed_precondition("directory moved or replaced during the copy; not followed");
  }
  return fd;
}

NodePtr CopyRun::open_dir(const NodePtr& parent, const std::string& name) {
  auto node = std::make_shared<DirNode>();
  node->parent = parent;
  node->name = name;
  node->pins = 1;  // the caller's, until it unpins
  const EntryPath rel{parent.get(), name};
  node->included =
      parent->included || (filter_.has_includes() && filter_.included(rel.str(), true));
  auto src = open_for_reading(parent->src.get(), name, O_RDONLY | O_DIRECTORY);
  if (!src.is_ok()) {
    if (src.status().sys_errno() == ENOENT) return nullptr;  // vanished since it was listed
    if (src.status().sys_errno() == ELOOP || src.status().sys_errno() == ENOTDIR) {
      return fail_dir(rel, "changed into a non-directory during the copy; not followed");
    }
    return fail_dir(rel, src.status());
  }
  node->src = std::move(*src);
  auto st = fs_.stat_at(node->src.get(), "");
  if (!st.is_ok()) return fail_dir(rel, st.status());
  node->src_stat = *st;

  if (parent->dst.valid()) {
    auto existing = fs_.stat_at(parent->dst.get(), name);
    bool exists = existing.is_ok();
    if (!exists && existing.status().sys_errno() != ENOENT) return fail_dir(rel, existing.status());
    if (exists && existing->type != FileType::kDirectory) {
      // A file or symlink where a directory is to go: replaced (never written through).
      if (opt_.overwrite == OverwriteMode::kNever ||
          (opt_.overwrite == OverwriteMode::kOlder &&
           !older(existing->mtime, node->src_stat.mtime))) {
        return skip_dir(rel, fmt::format("target is a {} and --overwrite keeps it",
                                         fs::file_type_name(existing->type)));
      }
      if (opt_.dry_run) {
        files_deleted_.fetch_add(1);
        exists = false;
      } else {
        std::uint64_t removed = 0;
        Status rm = remove_tree(parent->dst.get(), name, false, removed);
        if (!rm) return fail_dir(rel, rm);
        exists = false;
      }
    }
    if (!exists && !opt_.dry_run) {
      Status mk = fs_.mkdir_at(parent->dst.get(), name, 0700);
      if (!mk && mk.sys_errno() != EEXIST) return fail_dir(rel, mk);
      node->dst_created = true;
    }
    // Already there and not replaced: --overwrite never|older keep what it is.
    node->keep_metadata = exists && opt_.overwrite != OverwriteMode::kAlways;
    if (exists || !opt_.dry_run) {
      auto dst = fs_.open_at(parent->dst.get(), name, O_RDONLY | O_DIRECTORY);
      if (!dst.is_ok()) {
        if (dst.status().sys_errno() == ELOOP || dst.status().sys_errno() == ENOTDIR) {
          return fail_dir(rel, "target changed into a non-directory during the copy; not followed");
        }
        return fail_dir(rel, dst.status());
      }
      node->dst = std::move(*dst);
      node->has_dst = true;
    }
  }
  list_dir(node);
  return node;
}

void CopyRun::list_dir(const NodePtr& node) {
  std::vector<DirEntry> entries;
  Status st = fs_.read_dir(node->src.get(), [&](const DirEntry& e) {
    entries.push_back(e);
    return Status::ok();
  });
  if (!st) return fail(rel_of(*node), st);

  // An existing target directory: remove leftovers of an earlier crash and, with --delete,
  // the entries the source does not have.
  if (node->dst.valid() && !node->dst_created) {
    std::unordered_set<std::string> names;
    names.reserve(entries.size());
    for (const DirEntry& e : entries) names.insert(e.name);
    std::vector<DirEntry> extras;
    Status ls = fs_.read_dir(node->dst.get(), [&](const DirEntry& e) {
      if (names.count(e.name) == 0) extras.push_back(e);
      return Status::ok();
    });
    if (!ls) return fail(rel_of(*node), ls);
    for (const DirEntry& e : extras) {
      const EntryPath path{node.get(), e.name};
      bool is_temp = e.name.rfind(kTempPrefix, 0) == 0;
      if (!is_temp && !opt_.delete_extraneous) continue;
      bool is_dir = e.type == FileType::kDirectory;
      if (e.type == FileType::kUnknown) {
        auto est = fs_.stat_at(node->dst.get(), e.name);
        if (!est.is_ok()) continue;
        is_dir = est->type == FileType::kDirectory;
      }
      if (!is_temp && filter_.has_patterns()) {
        const std::string rel = path.str();
        if (filter_.excluded(rel, is_dir)) continue;
        if (filter_.has_includes() && !node->included && !is_dir && !filter_.included(rel, false)) {
          continue;
        }
        if (filter_.has_includes() && !node->included && is_dir && !filter_.included(rel, true)) {
          continue;
        }
      }
      if (opt_.dry_run) {
        if (!is_temp) files_deleted_.fetch_add(1);
        continue;
      }
      std::uint64_t removed = 0;
      Status rm = remove_tree(node->dst.get(), e.name, is_dir, removed);
      if (!is_temp) files_deleted_.fetch_add(removed);
      if (!rm && rm.sys_errno() != ENOENT) fail(path, rm.with_context("delete"));
    }
  }

  // A directory of a few entries (perhaps a handful of big files) is spread over the
  // workers one entry each; otherwise a worker takes up to kBatchSize entries, so that
  // workers mostly stay in different directories: creates and renames in one directory
  // serialise on its lock, which costs a round trip each on network or FUSE file systems.
  size_t batch = entries.size() <= 8 * static_cast<size_t>(threads_) ? 1 : kBatchSize;
  for (size_t i = 0; i < entries.size(); i += batch) {
    Job job;
    job.node = node;
    size_t end = std::min(entries.size(), i + batch);
    job.batch.assign(std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(i)),
                     std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(end)));
    node->pending.fetch_add(1);
    push(std::move(job));
  }
}

void CopyRun::finalize_dir(DirNode& node) {
  if (opt_.dry_run || !node.dst.valid() || node.keep_metadata) return;
  const FileStat& src = node.src_stat;
  int fd = node.dst.get();
  auto dst = fs_.stat_at(fd, "");
  if (!dst.is_ok()) return fail(rel_of(node), dst.status());
  auto uid = opt_.owner.apply(src.uid);
  auto gid = opt_.group.apply(src.gid);
  bool chowned = false;
  if ((uid && *uid != dst->uid) || (gid && *gid != dst->gid)) {
    Status st =
        fs_.chown_fd(fd, uid ? *uid : static_cast<uid_t>(-1), gid ? *gid : static_cast<gid_t>(-1));
    if (!st) return fail(rel_of(node), st);
    chowned = true;
  }
  mode_t want = opt_.preserve_perms ? src.permissions() : (0777 & ~umask_);
  if (opt_.preserve_perms || node.dst_created) {
    if ((dst->mode & 07777) != want || chowned) {
      Status st = fs_.chmod_fd(fd, want);
      if (!st) return fail(rel_of(node), st);
    }
  }
  Status xs = copy_xattrs(node.src.get(), "", fd, "");
  if (!xs) return fail(rel_of(node), xs);
  if (!same_time(dst->mtime, src.mtime) || !same_time(dst->atime, src.atime)) {
    const timespec times[2] = {src.atime, src.mtime};
    Status st = fs_.set_times_fd(fd, times);
    if (!st) return fail(rel_of(node), st);
  }
}

// --- entries ----------------------------------------------------------------------------

void CopyRun::push_dir(const NodePtr& node, const std::string& name) {
  Job job;
  job.node = node;
  job.dir_name = name;
  node->pending.fetch_add(1);
  push(std::move(job));
}

void CopyRun::process_entry(const NodePtr& node, const DirEntry& entry) {
  const EntryPath rel{node.get(), entry.name};
  FileType type = entry.type;
  FileStat st;
  bool have_stat = false;
  if (type == FileType::kUnknown) {
    auto s = fs_.stat_at(node->src.get(), entry.name);
    if (!s.is_ok()) {
      if (s.status().sys_errno() != ENOENT) fail(rel, s.status());
      return;
    }
    st = *s;
    type = st.type;
    have_stat = true;
  }
  bool is_dir = type == FileType::kDirectory;
  std::string path;  // only patterns need it
  if (filter_.has_patterns()) {
    path = rel.str();
    if (filter_.excluded(path, is_dir)) return;
  }
  if (is_dir) return push_dir(node, entry.name);
  if (filter_.has_includes() && !node->included && !filter_.included(path, false)) return;
  if (!have_stat && type == FileType::kRegular && node->dst_created && !opt_.dry_run) {
    if (copy_fresh_regular(*node, entry.name, rel)) return;
  }
  if (!have_stat) {
    auto s = fs_.stat_at(node->src.get(), entry.name);
    if (!s.is_ok()) {
      if (s.status().sys_errno() != ENOENT) fail(rel, s.status());
      return;
    }
    st = *s;
    // Swapped for a directory since the listing: copy it as one.
    if (st.type == FileType::kDirectory) return push_dir(node, entry.name);
  }
  switch (st.type) {
    case FileType::kRegular:
      return copy_regular(*node, entry.name, rel, st);
    case FileType::kSymlink:
      return copy_symlink(*node, entry.name, rel, st);
    case FileType::kFifo:
    case FileType::kSocket:
    case FileType::kCharDevice:
    case FileType::kBlockDevice:
      if (!opt_.devices) {
        return skip_listed(rel.str(), fmt::format("{} skipped (use --devices to recreate it)",
                                                  fs::file_type_name(st.type)));
      }
      return copy_special(*node, entry.name, rel, st);
    default:
      return fail(rel, "unknown file type; not copied");
  }
}

bool CopyRun::check_target(DirNode& node, const std::string& name, const EntryPath& rel,
                           const FileStat& st, std::optional<FileStat>& existing) {
  existing.reset();
  if (!node.dst.valid()) return true;
  auto d = fs_.stat_at(node.dst.get(), name);
  if (d.is_ok()) {
    existing = *d;
  } else if (d.status().sys_errno() != ENOENT) {
    fail(rel, d.status());
    return false;
  }
  if (keep_existing(st, existing ? &*existing : nullptr)) {
    files_skipped_.fetch_add(1);
    return false;
  }
  return true;
}

bool CopyRun::keep_existing(const FileStat& src, const FileStat* dst) {
  if (dst == nullptr) return false;
  if (opt_.overwrite == OverwriteMode::kNever) return true;
  if (opt_.overwrite == OverwriteMode::kOlder && !older(dst->mtime, src.mtime)) return true;
  return false;
}

Status CopyRun::set_owner_fd(int fd, const FileStat& st, bool fresh) {
  auto uid = opt_.owner.apply(st.uid);
  auto gid = opt_.group.apply(st.gid);
  if (!uid && !gid) return Status::ok();
  if (fresh && (!uid || *uid == euid_) && (!gid || *gid == egid_)) return Status::ok();
  return fs_.chown_fd(fd, uid ? *uid : static_cast<uid_t>(-1), gid ? *gid : static_cast<gid_t>(-1));
}

mode_t CopyRun::file_mode(const FileStat& st) const {
  if (!opt_.preserve_perms) return 0666 & ~umask_;
  return strip_setuid_ ? st.permissions() & ~static_cast<mode_t>(S_ISUID | S_ISGID)
                       : st.permissions();
}

Status CopyRun::set_perms_fd(int fd, const FileStat& st) {
  // After chown, which clears setuid/setgid bits.
  return fs_.chmod_fd(fd, file_mode(st));
}

Status CopyRun::copy_xattrs(int src_fd, const std::string& src_link, int dst_fd,
                            const std::string& dst_link) {
  auto keys = fs_.list_xattrs(src_fd, src_link);
  if (!keys.is_ok()) return keys.status();
  for (const std::string& key : *keys) {
    if (key == "system.posix_acl_access" || key == "system.posix_acl_default") {
      if (!src_link.empty()) continue;
      auto kind = key == "system.posix_acl_access" ? fs::AclKind::kAccess : fs::AclKind::kDefault;
      auto acl = fs_.get_acl(src_fd, kind);
      if (!acl.is_ok()) return acl.status();
      LIFEBOAT_RETURN_IF_ERROR(fs_.set_acl(dst_fd, kind, *acl));
      continue;
    }
    bool privileged = key.rfind("trusted.", 0) == 0 || key.rfind("security.", 0) == 0;
    if (key.rfind("system.", 0) == 0 || (privileged && !is_root_)) continue;
    // File capabilities are privilege like a setuid bit: not given to a remapped owner.
    if (strip_setuid_ && key == "security.capability") continue;
    auto value = fs_.get_xattr(src_fd, src_link, key);
    if (!value.is_ok()) {
      if (value.status().sys_errno() == ENODATA) continue;  // removed meanwhile
      return value.status();
    }
    Status st = fs_.set_xattr(dst_fd, dst_link, key, *value);
    // A target file system without xattr support cannot keep them; not worth a failure.
    if (!st && st.sys_errno() != ENOTSUP) return st;
  }
  return Status::ok();
}

Status CopyRun::remove_tree(int dir_fd, const std::string& name, bool is_dir,
                            std::uint64_t& removed) {
  if (!is_dir) {
    Status st = fs_.unlink_at(dir_fd, name, false);
    if (st) {
      ++removed;
      return st;
    }
    if (st.sys_errno() != EISDIR && st.sys_errno() != EPERM) return st;
  }
  // Depth first on a stack of its own, so any depth is fine; levels below kOpenLevels close
  // their descriptor while a deeper one is emptied and get it back through "..".
  struct Level {
    Fd fd;
    std::string name;  // in the level above
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    std::vector<std::string> subdirs;
    size_t next = 0;
  };
  std::vector<Level> levels;
  // Opens directory `child` of `parent_fd`, removes what is not a directory in it and pushes
  // it with its subdirectories still to do.
  auto enter = [&](int parent_fd, const std::string& child) -> Status {
    auto sub = fs_.open_at(parent_fd, child, O_RDONLY | O_DIRECTORY);
    if (!sub.is_ok()) return sub.status();
    Level level;
    level.name = child;
    std::vector<DirEntry> entries;
    LIFEBOAT_RETURN_IF_ERROR(fs_.read_dir(sub->get(), [&](const DirEntry& e) {
      entries.push_back(e);
      return Status::ok();
    }));
    for (const DirEntry& e : entries) {
      if (e.type != FileType::kDirectory) {
        Status st = fs_.unlink_at(sub->get(), e.name, false);
        if (st) {
          ++removed;
          continue;
        }
        if (st.sys_errno() != EISDIR && st.sys_errno() != EPERM) return st;
      }
      level.subdirs.push_back(e.name);
    }
    level.fd = std::move(*sub);
    levels.push_back(std::move(level));
    return Status::ok();
  };
  LIFEBOAT_RETURN_IF_ERROR(enter(dir_fd, name));
  while (!levels.empty()) {
    if (levels.back().next < levels.back().subdirs.size()) {
      Level& cur = levels.back();
      const std::string child = cur.subdirs[cur.next++];
      LIFEBOAT_RETURN_IF_ERROR(enter(cur.fd.get(), child));
      Level& above = levels[levels.size() - 2];
      if (levels.size() > kOpenLevels) {
        LIFEBOAT_ASSIGN_OR_RETURN(FileStat st, fs_.stat_at(above.fd.get(), ""));
        above.dev = st.dev;
        above.ino = st.ino;
        above.fd.reset();
      }
      continue;
    }
    // Empty now: removed from the level above.
    Level& cur = levels.back();
    int parent_fd = dir_fd;
    if (levels.size() >= 2) {
      Level& above = levels[levels.size() - 2];
      if (!above.fd.valid()) {
        LIFEBOAT_ASSIGN_OR_RETURN(above.fd,
                                  open_dir_checked("..", cur.fd.get(), above.dev, above.ino));
      }
      parent_fd = above.fd.get();
    }
    cur.fd.reset();
    LIFEBOAT_RETURN_IF_ERROR(fs_.unlink_at(parent_fd, cur.name, true));
    ++removed;
    levels.pop_back();
  }
  return Status::ok();
}

Status CopyRun::put_in_place(DirNode& node, const std::string& tmp, const std::string& name,
                             const FileStat* existing) {
  Status st;
  if (existing != nullptr && existing->type == FileType::kDirectory) {
    // rename(2) cannot put a file over a directory: the directory goes first.
    std::uint64_t removed = 0;
    st = remove_tree(node.dst.get(), name, true, removed);
  }
  // rename replaces a symlink at `name` itself; nothing is written through it.
  if (st) st = fs_.rename_at(node.dst.get(), tmp, node.dst.get(), name, 0);
  if (!st) (void)fs_.unlink_at(node.dst.get(), tmp, false);
  return st;
}

bool CopyRun::link_hard(DirNode& node, const std::string& name, const EntryPath& rel,
                        const FileStat& st, bool& is_first) {
  is_first = false;
  auto key = std::make_pair(st.dev, st.ino);
  std::string first_rel;
  {
    std::unique_lock lock(links_mu_);
    auto emplaced = links_.try_emplace(key);
    if (emplaced.second) {
      is_first = true;
      return false;
    }
    // Map nodes are stable, so the group can be watched while others insert.
    const LinkGroup& group = emplaced.first->second;
    links_cv_.wait(lock, [&] { return group.state != LinkGroup::State::kCopying; });
    if (group.state == LinkGroup::State::kFailed) return false;
    first_rel = group.target_rel;
  }
  size_t slash = first_rel.rfind('/');
  std::string first_dir = slash == std::string::npos ? "" : first_rel.substr(0, slash);
  std::string first_name = slash == std::string::npos ? first_rel : first_rel.substr(slash + 1);
  auto dir = fs_.open_beneath(dst_root_.get(), first_dir, O_PATH | O_DIRECTORY);
  if (!dir.is_ok()) return false;  // copy it as a file of its own instead
  if (node.dst_created) {
    // A directory this run made holds only what the run put there: link straight to the
    // name (a link is never partial). Taken meanwhile: the general path below decides.
    Status direct = fs_.link_at(dir->get(), first_name, node.dst.get(), name);
    if (direct) {
      files_transferred_.fetch_add(1);
      return true;
    }
    if (direct.sys_errno() != EEXIST) {
      if (is_target_full(direct)) fail(rel, direct);
      return false;
    }
  }
  std::string tmp = temp_name();
  Status ln = fs_.link_at(dir->get(), first_name, node.dst.get(), tmp);
  if (!ln) {
    if (is_target_full(ln)) fail(rel, ln);
    return false;
  }
  auto existing = fs_.stat_at(node.dst.get(), name);
  Status mv = put_in_place(node, tmp, name, existing.is_ok() ? &*existing : nullptr);
  if (!mv) {
    fail(rel, mv);
    return true;
  }
  files_transferred_.fetch_add(1);
  return true;
}

bool CopyRun::relink_if_split(DirNode& node, const std::string& name, const EntryPath& rel,
                              const FileStat& st, const FileStat& existing) {
  std::string first_rel;
  {
    std::unique_lock lock(links_mu_);
    auto emplaced = links_.try_emplace(std::make_pair(st.dev, st.ino),
                                       LinkGroup{LinkGroup::State::kDone, rel.str()});
    // First name of this inode seen in this run: a later name links to this copy.
    if (emplaced.second) return false;
    const LinkGroup& group = emplaced.first->second;
    links_cv_.wait(lock, [&] { return group.state != LinkGroup::State::kCopying; });
    if (group.state == LinkGroup::State::kFailed) return false;
    first_rel = group.target_rel;
  }
  // Another name was copied (or kept) first — e.g. after an interrupted run left only this
  // one in place. If that copy is a different inode, this name becomes a link to it, so the
  // result does not depend on the order names are met in.
  size_t slash = first_rel.rfind('/');
  auto dir = fs_.open_beneath(dst_root_.get(),
                              slash == std::string::npos ? "" : first_rel.substr(0, slash),
                              O_PATH | O_DIRECTORY);
  if (!dir.is_ok()) return false;
  auto first =
      fs_.stat_at(dir->get(), slash == std::string::npos ? first_rel : first_rel.substr(slash + 1));
  if (!first.is_ok() || first->ino == existing.ino) return false;
  bool is_first = false;
  return link_hard(node, name, rel, st, is_first);
}

void CopyRun::finish_link_group(const FileStat& st, bool ok, const EntryPath& rel) {
  {
    std::lock_guard lock(links_mu_);
    LinkGroup& g = links_[std::make_pair(st.dev, st.ino)];
    g.state = ok ? LinkGroup::State::kDone : LinkGroup::State::kFailed;
    g.target_rel = rel.str();
  }
  links_cv_.notify_all();
}

void CopyRun::copy_regular(DirNode& node, const std::string& name, const EntryPath& rel,
                           const FileStat& st) {
  std::optional<FileStat> existing_stat;
  if (!check_target(node, name, rel, st, existing_stat)) return;
  const FileStat* existing = existing_stat ? &*existing_stat : nullptr;
  if (existing != nullptr && opt_.transfer_mode == TransferMode::kChanged &&
      existing->type == FileType::kRegular && existing->size == st.size &&
      same_time(existing->mtime, st.mtime)) {
    files_skipped_.fetch_add(1);
    if (opt_.dry_run) return;
    auto uid = opt_.owner.apply(st.uid);
    auto gid = opt_.group.apply(st.gid);
    bool owner_differs = (uid && *uid != existing->uid) || (gid && *gid != existing->gid);
    bool mode_differs = opt_.preserve_perms && existing->permissions() != file_mode(st);
    bool fix = owner_differs || mode_differs;
    // A file with other names may be linked from outside the tree (its owner can hard-link
    // any file of theirs into it): never changed in place, a new copy replaces this name.
    if (fix && existing->nlink > 1) {
      files_skipped_.fetch_sub(1);
      return copy_new_file(node, name, rel, st, existing, Fd());
    }
    if (st.nlink > 1 && relink_if_split(node, name, rel, st, *existing)) {
      files_skipped_.fetch_sub(1);
      return;
    }
    if (!fix) return;
    // Same data: bring owner and mode in line without rewriting the file — if what is open
    // is still the single-named file that was looked at (the name may have been swapped).
    auto fd = fs_.open_at(node.dst.get(), name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (!fd.is_ok()) return fail(rel, fd.status());
    auto now = fs_.stat_at(fd->get(), "");
    if (!now.is_ok()) return fail(rel, now.status());
    if (now->type != FileType::kRegular || now->nlink > 1 || now->ino != existing->ino ||
        now->dev != existing->dev) {
      files_skipped_.fetch_sub(1);
      fd->reset();
      return copy_new_file(node, name, rel, st, &*now, Fd());
    }
    if (owner_differs) {
      if (Status s = set_owner_fd(fd->get(), st); !s) return fail(rel, s);
    }
    if (Status s = set_perms_fd(fd->get(), st); !s) return fail(rel, s);
    return;
  }
  if (opt_.dry_run) {
    files_est_.fetch_add(1);
    bytes_est_.fetch_add(st.size);
    return;
  }
  copy_new_file(node, name, rel, st, existing, Fd());
}

void CopyRun::copy_new_file(DirNode& node, const std::string& name, const EntryPath& rel,
                            const FileStat& st, const FileStat* existing, Fd src) {
  files_est_.fetch_add(1);
  bytes_est_.fetch_add(st.size);
  bool is_first = false;
  if (st.nlink > 1) {
    if (link_hard(node, name, rel, st, is_first)) return;
  }
  Status result = write_regular(node, name, st, existing, std::move(src));
  if (is_first) finish_link_group(st, result.is_ok(), rel);
  if (!result) fail(rel, result);
}

Result<Fd> CopyRun::open_source(DirNode& node, const std::string& name) {
  return open_for_reading(node.src.get(), name);
}

Result<Fd> CopyRun::open_for_reading(int dir_fd, const std::string& name, int flags) {
  // O_NOATIME keeps the entry's atime (allowed to its owner and root only).
  auto fd = fs_.open_at(dir_fd, name, flags | O_NOATIME);
  if (!fd.is_ok() && fd.status().sys_errno() == EPERM) fd = fs_.open_at(dir_fd, name, flags);
  return fd;
}

bool CopyRun::copy_fresh_regular(DirNode& node, const std::string& name, const EntryPath& rel) {
  auto src = open_source(node, name);
  if (!src.is_ok()) {
    int err = src.status().sys_errno();
    if (err == ENOENT) return true;                  // gone since the listing
    if (err == ELOOP || err == ENXIO) return false;  // now a symlink or a node: re-dispatch
    fail(rel, src.status());
    return true;
  }
  auto st = fs_.stat_at(src->get(), "");
  if (!st.is_ok()) {
    fail(rel, st.status());
    return true;
  }
  if (st->type != FileType::kRegular) return false;
  copy_new_file(node, name, rel, *st, nullptr, std::move(*src));
  return true;
}

Status CopyRun::write_regular(DirNode& node, const std::string& name, const FileStat& st,
                              const FileStat* existing, Fd src) {
  if (!src.valid()) {
    auto opened = open_source(node, name);
    if (!opened.is_ok()) return opened.status();
    src = std::move(*opened);
    // Still the regular file that was stat'ed by name?
    auto now = fs_.stat_at(src.get(), "");
    if (!now.is_ok()) return now.status();
    if (now->type != FileType::kRegular || now->ino != st.ino || now->dev != st.dev) {
      return Status::failed_precondition(
          "changed during the copy (replaced by another entry); not copied");
    }
  }
  // In a directory this run created (no default ACL yet), a file created with its final
  // permission bits needs no chmod when the umask leaves them alone and there are no
  // setuid/setgid/sticky bits (those need a chmod after the chown).
  const mode_t want = file_mode(st);
  const bool create_final = node.dst_created && (want & 07000) == 0 && (want & umask_) == 0;
  // A name to replace needs rename(2); linkat never replaces.
  bool unnamed = existing == nullptr && use_unnamed(node.dst.get());
  std::string tmp;
  auto out = create_output(node, name, create_final ? want : 0600, unnamed, tmp);
  if (!out.is_ok()) return out.status();
  auto cleanup = [&](const Status& st2) {
    out->reset();  // an unnamed file is freed with its last descriptor
    if (!unnamed) (void)fs_.unlink_at(node.dst.get(), tmp, false);
    return st2;
  };
  bool verify = opt_.verify == VerifyMode::kTransferred;
  std::unique_ptr<ContentHasher> hasher;
  if (verify) hasher = std::make_unique<ContentHasher>();
  std::uint64_t copied = 0;
  if (Status s = copy_data(src.get(), out->get(), st, hasher.get(), copied); !s) return cleanup(s);
  if (Status s = set_owner_fd(out->get(), st, node.dst_created); !s) return cleanup(s);
  if (!create_final) {
    if (Status s = set_perms_fd(out->get(), st); !s) return cleanup(s);
  }
  if (Status s = copy_xattrs(src.get(), "", out->get(), ""); !s) return cleanup(s);
  if (verify) {
    if (Status s = verify_written(out->get(), copied, hasher->hex_digest(), is_sparse(st)); !s) {
      return cleanup(s);
    }
    files_verified_.fetch_add(1);
  }
  // Times last: re-reading the copy for verification would move its atime.
  const timespec times[2] = {st.atime, st.mtime};
  if (Status s = fs_.set_times_fd(out->get(), times); !s) return cleanup(s);
  if (opt_.fsync) {
    if (Status s = fs_.fsync_fd(out->get()); !s) return cleanup(s);
  }
  if (unnamed) {
    auto linked = link_output(node, out->get(), name, st);
    out->reset();
    if (!linked.is_ok()) return linked.status();
    if (!*linked) {
      files_skipped_.fetch_add(1);
      return Status::ok();
    }
  } else {
    out->reset();
    LIFEBOAT_RETURN_IF_ERROR(put_in_place(node, tmp, name, existing));
  }
  files_transferred_.fetch_add(1);
  return Status::ok();
}

Result<Fd> CopyRun::create_output(DirNode& node, const std::string& name, mode_t mode,
                                  bool& unnamed, std::string& tmp) {
  if (unnamed) {
    auto fd = fs_.open_unnamed(node.dst.get(), name, O_RDWR, mode);
    if (fd.is_ok() || !fs::is_unnamed_unsupported(fd.status().sys_errno())) return fd;
    // Not on this directory's file system (another mount below the target root).
    unnamed_ok_.store(false, std::memory_order_relaxed);
    unnamed = false;
  }
  tmp = temp_name();
  return fs_.open_at(node.dst.get(), tmp, O_RDWR | O_CREAT | O_EXCL, mode);
}

Result<bool> CopyRun::link_output(DirNode& node, int fd, const std::string& name,
                                  const FileStat& st) {
  Status linked = fs_.link_fd(fd, node.dst.get(), name);
  if (linked) return true;
  if (linked.sys_errno() != EEXIST) return linked;
  // Something took the name while the file was being copied: the overwrite rules decide
  // again, and a replacement goes through a temporary name (linkat never replaces).
  auto now = fs_.stat_at(node.dst.get(), name);
  if (!now.is_ok() && now.status().sys_errno() != ENOENT) return now.status();
  const FileStat* existing = now.is_ok() ? &*now : nullptr;
  if (keep_existing(st, existing)) return false;
  std::string tmp = temp_name();
  LIFEBOAT_RETURN_IF_ERROR(fs_.link_fd(fd, node.dst.get(), tmp));
  LIFEBOAT_RETURN_IF_ERROR(put_in_place(node, tmp, name, existing));
  return true;
}

bool CopyRun::probe_unnamed_files(int dir_fd) {
  std::string tmp = temp_name();
  auto fd = fs_.open_unnamed(dir_fd, tmp, O_RDWR, 0600);
  if (!fd.is_ok()) return false;
  if (!fs_.link_fd(fd->get(), dir_fd, tmp)) return false;
  (void)fs_.unlink_at(dir_fd, tmp, false);
  return true;
}

bool CopyRun::use_unnamed(int dir_fd) {
  if (opt_.temp_names) return false;
  std::call_once(unnamed_probed_, [&] { unnamed_ok_.store(probe_unnamed_files(dir_fd)); });
  return unnamed_ok_.load(std::memory_order_relaxed);
}

Status CopyRun::copy_data(int in, int out, const FileStat& st, ContentHasher* hasher,
                          std::uint64_t& copied_size) {
  char* buffer = hasher != nullptr ? worker_buffer() : nullptr;
  const auto size = static_cast<off_t>(st.size);
  const bool sparse = is_sparse(st);
  off_t pos = 0;
  off_t writeback_from = 0;  // start of the bytes written since writeback was last started
  bool eof = false;
  while (pos < size && !eof) {
    off_t data_end = size;
    if (sparse) {
      auto data = fs_.seek(in, pos, SEEK_DATA);
      if (!data.is_ok()) {
        if (data.status().sys_errno() != ENXIO) return data.status();
        if (hasher) hasher->update_zeros(static_cast<std::uint64_t>(size - pos));
        pos = size;
        break;
      }
      if (*data > pos && hasher) hasher->update_zeros(static_cast<std::uint64_t>(*data - pos));
      pos = std::min(*data, size);
      auto hole = fs_.seek(in, pos, SEEK_HOLE);
      if (!hole.is_ok()) return hole.status();
      data_end = std::min(*hole, size);
    }
    while (pos < data_end) {
      // A stop request is seen between chunks, not only between files: the file in
      // progress is abandoned (its temporary is removed), so a stop is prompt.
      if (stop_requested()) return Status::cancelled("copy stopped");
      size_t want = static_cast<size_t>(std::min<off_t>(data_end - pos, chunk_limit_));
      size_t got = 0;
      if (opt_.bwlimit > 0) bucket_.acquire(want);
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
      if (got == 0) {
        eof = true;
        break;
      }
      pos += static_cast<off_t>(got);
      bytes_transferred_.fetch_add(got, std::memory_order_relaxed);
      bytes_written_.fetch_add(got, std::memory_order_relaxed);
      if (pos - writeback_from >= kWritebackWindow) {
        Status wb = fs_.start_writeback(out, writeback_from, pos - writeback_from);
        // Only a hint where the file system has no such thing; a real write error counts.
        if (!wb && wb.sys_errno() != EINVAL && wb.sys_errno() != ESPIPE) return wb;
        writeback_from = pos;
      }
    }
  }
  // The file may have shrunk while being read: the copy is what was there.
  copied_size = static_cast<std::uint64_t>(std::min(pos, size));
  if (sparse || eof) {
    LIFEBOAT_RETURN_IF_ERROR(fs_.truncate_fd(out, static_cast<off_t>(copied_size)));
  }
  return Status::ok();
}

Status CopyRun::copy_exactly(int in, int out, off_t pos, size_t count, const char* bytes) {
  size_t done = 0;
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

Status CopyRun::verify_written(int fd, std::uint64_t size, const std::string& expected,
                               bool sparse) {
  auto digest = hash_file(fd, size, sparse);
  if (!digest.is_ok()) return digest.status().with_context("verify");
  if (*digest != expected) {
    return Status::io_error("verify: the written copy's checksum differs from the source's");
  }
  return Status::ok();
}

Result<std::string> CopyRun::hash_file(int fd, std::uint64_t size, bool sparse) {
  char* buffer = worker_buffer();
  ContentHasher h;
  std::uint64_t pos = 0;
  while (pos < size) {
    std::uint64_t data_end = size;
    if (sparse) {
      // Holes read as zeros: hash them as such instead of reading them.
      auto data = fs_.seek(fd, static_cast<off_t>(pos), SEEK_DATA);
      if (!data.is_ok() && data.status().sys_errno() != ENXIO) return data.status();
      auto data_at = data.is_ok() ? std::min<std::uint64_t>(*data, size) : size;
      h.update_zeros(data_at - pos);
      pos = data_at;
      if (pos >= size) break;
      auto hole = fs_.seek(fd, static_cast<off_t>(pos), SEEK_HOLE);
      if (!hole.is_ok()) return hole.status();
      data_end = std::min<std::uint64_t>(*hole, size);
    }
    while (pos < data_end) {
      size_t want = static_cast<size_t>(std::min<std::uint64_t>(data_end - pos, kBufferSize));
      auto n = fs_.pread(fd, buffer, want, static_cast<off_t>(pos));
      if (!n.is_ok()) return n.status();
      if (*n == 0) return Status::io_error("file shorter than expected");
      h.update(buffer, *n);
      pos += *n;
    }
  }
  return h.hex_digest();
}

void CopyRun::copy_symlink(DirNode& node, const std::string& name, const EntryPath& rel,
                           const FileStat& st) {
  auto target = fs_.readlink_at(node.src.get(), name);
  if (!target.is_ok()) {
    if (target.status().sys_errno() != ENOENT) fail(rel, target.status());
    return;
  }
  std::optional<FileStat> existing_stat;
  if (!check_target(node, name, rel, st, existing_stat)) return;
  const FileStat* existing = existing_stat ? &*existing_stat : nullptr;
  if (existing != nullptr && opt_.transfer_mode == TransferMode::kChanged &&
      existing->type == FileType::kSymlink && same_time(existing->mtime, st.mtime)) {
    auto old_target = fs_.readlink_at(node.dst.get(), name);
    if (old_target.is_ok() && *old_target == *target) {
      files_skipped_.fetch_add(1);
      return;
    }
  }
  files_est_.fetch_add(1);
  if (opt_.dry_run) return;
  std::string tmp = temp_name();
  Status s = fs_.symlink_at(*target, node.dst.get(), tmp);
  if (!s) return fail(rel, s);
  settle_named(node, tmp, name, rel, st, existing);
}

void CopyRun::settle_named(DirNode& node, const std::string& tmp, const std::string& name,
                           const EntryPath& rel, const FileStat& st, const FileStat* existing) {
  // By name and never following: chown (before chmod, which chown would undo for
  // setuid/setgid bits), mode (not for symlinks), xattrs (symlinks), times, rename.
  Status s;
  auto uid = opt_.owner.apply(st.uid);
  auto gid = opt_.group.apply(st.gid);
  if (uid || gid) {
    s = fs_.chown_at(node.dst.get(), tmp, uid ? *uid : static_cast<uid_t>(-1),
                     gid ? *gid : static_cast<gid_t>(-1));
  }
  if (s && st.type == FileType::kSymlink) {
    s = copy_xattrs(node.src.get(), name, node.dst.get(), tmp);
  } else if (s) {
    s = fs_.chmod_at(node.dst.get(), tmp, file_mode(st));
  }
  const timespec times[2] = {st.atime, st.mtime};
  if (s) s = fs_.set_times_at(node.dst.get(), tmp, times);
  if (!s) {
    (void)fs_.unlink_at(node.dst.get(), tmp, false);
    return fail(rel, s);
  }
  if (Status mv = put_in_place(node, tmp, name, existing); !mv) return fail(rel, mv);
  files_transferred_.fetch_add(1);
}

void CopyRun::copy_special(DirNode& node, const std::string& name, const EntryPath& rel,
                           const FileStat& st) {
  std::optional<FileStat> existing_stat;
  if (!check_target(node, name, rel, st, existing_stat)) return;
  const FileStat* existing = existing_stat ? &*existing_stat : nullptr;
  if (existing != nullptr && opt_.transfer_mode == TransferMode::kChanged &&
      existing->type == st.type && existing->rdev == st.rdev &&
      same_time(existing->mtime, st.mtime)) {
    files_skipped_.fetch_add(1);
    return;
  }
  files_est_.fetch_add(1);
  if (opt_.dry_run) return;
  std::string tmp = temp_name();
  // Created, never opened: a node's metadata is set by name, without following.
  Status s =
      fs_.mknod_at(node.dst.get(), tmp, (st.mode & S_IFMT) | 0600, static_cast<dev_t>(st.rdev));
  if (!s) return fail(rel, s);
  settle_named(node, tmp, name, rel, st, existing);
}

// --- verify all -------------------------------------------------------------------------

void CopyRun::verify_tree(Fd src_root, Fd dst_root) {
  // Depth first on a stack of its own, so any depth is fine; levels below kOpenLevels close
  // their descriptors while a deeper one is compared and get them back through "..".
  struct Level {
    Fd src;
    Fd dst;
    std::string name;  // in the level above
    FileStat src_id;   // recorded when the descriptors are closed
    FileStat dst_id;
    std::vector<DirEntry> entries;
    size_t next = 0;
    bool included = false;
  };
  std::vector<Level> levels;
  auto path_of = [&levels](const std::string& name) {
    std::string out;
    for (size_t i = 1; i < levels.size(); ++i) out = join_path(out, levels[i].name);
    return join_path(out, name);
  };
  // Lists source directory `src` and pushes it with its target twin.
  auto enter = [&](Fd src, Fd dst, const std::string& name, bool included) {
    Level level;
    Status ls = fs_.read_dir(src.get(), [&](const DirEntry& e) {
      level.entries.push_back(e);
      return Status::ok();
    });
    if (!ls) {
      fail(path_of(name), ls.with_context("verify"));
      return false;
    }
    level.src = std::move(src);
    level.dst = std::move(dst);
    level.name = name;
    level.included = included;
    levels.push_back(std::move(level));
    return true;
  };
  enter(std::move(src_root), std::move(dst_root), "", false);
  while (!levels.empty()) {
    if (stop_token_.stop_requested()) return;
    Level& cur = levels.back();
    if (cur.next == cur.entries.size()) {
      if (levels.size() >= 2 && !levels[levels.size() - 2].src.valid()) {
        Level& above = levels[levels.size() - 2];
        auto s = open_dir_checked("..", cur.src.get(), above.src_id.dev, above.src_id.ino);
        auto d = open_dir_checked("..", cur.dst.get(), above.dst_id.dev, above.dst_id.ino);
        if (!s.is_ok() || !d.is_ok()) {
          levels.pop_back();
          return fail(path_of(""), "verify: a directory was moved during the verify; stopped");
        }
        above.src = std::move(*s);
        above.dst = std::move(*d);
      }
      levels.pop_back();
      continue;
    }
    const DirEntry& e = cur.entries[cur.next++];
    auto st = fs_.stat_at(cur.src.get(), e.name);
    if (!st.is_ok()) continue;  // gone since the copy
    bool is_dir = st->type == FileType::kDirectory;
    std::string rel;  // only patterns need it
    if (filter_.has_patterns()) {
      rel = path_of(e.name);
      if (filter_.excluded(rel, is_dir)) continue;
    }
    if (!is_dir) {
      if (filter_.has_includes() && !cur.included && !filter_.included(rel, false)) continue;
      verify_entry(cur.src.get(), cur.dst.get(), e, *st, [&] { return path_of(e.name); });
      continue;
    }
    bool sub_included = cur.included || (filter_.has_includes() && filter_.included(rel, true));
    auto s = open_for_reading(cur.src.get(), e.name, O_RDONLY | O_DIRECTORY);
    auto d = open_for_reading(cur.dst.get(), e.name, O_RDONLY | O_DIRECTORY);
    if (!s.is_ok()) continue;
    if (!d.is_ok()) {
      fail(path_of(e.name), "verify: directory missing in the target");
      continue;
    }
    if (levels.size() > kOpenLevels) {
      auto src_id = fs_.stat_at(cur.src.get(), "");
      auto dst_id = fs_.stat_at(cur.dst.get(), "");
      if (!src_id.is_ok() || !dst_id.is_ok()) {
        return fail(path_of(""), "verify: could not stat a directory; stopped");
      }
      cur.src_id = *src_id;
      cur.dst_id = *dst_id;
      cur.src.reset();
      cur.dst.reset();
    }
    const std::string name = e.name;  // `cur` moves when the stack grows
    enter(std::move(*s), std::move(*d), name, sub_included);
  }
}

void CopyRun::verify_entry(int src_dir, int dst_dir, const DirEntry& e, const FileStat& st,
                           const std::function<std::string()>& rel) {
  auto dst = fs_.stat_at(dst_dir, e.name);
  if (st.type == FileType::kSymlink) {
    auto a = fs_.readlink_at(src_dir, e.name);
    auto b = fs_.readlink_at(dst_dir, e.name);
    if (a.is_ok() && (!b.is_ok() || *a != *b)) {
      fail(rel(), "verify: symlink differs in the target");
    } else if (a.is_ok()) {
      files_verified_.fetch_add(1);
    }
    return;
  }
  if (st.type != FileType::kRegular) return;
  if (!dst.is_ok() || dst->type != FileType::kRegular) {
    // Kept by --overwrite never/older: not this copy's to verify.
    if (opt_.overwrite == OverwriteMode::kAlways) fail(rel(), "verify: file missing in the target");
    return;
  }
  if (opt_.overwrite != OverwriteMode::kAlways && !same_time(dst->mtime, st.mtime)) return;
  auto s = open_for_reading(src_dir, e.name);
  auto d = open_for_reading(dst_dir, e.name);
  if (!s.is_ok()) return;  // unreadable: already reported by the copy
  if (!d.is_ok()) return fail(rel(), d.status().with_context("verify"));
  if (dst->size != st.size) return fail(rel(), "verify: size differs between source and target");
  auto hs = hash_file(s->get(), st.size, is_sparse(st));
  auto hd = hash_file(d->get(), dst->size, is_sparse(*dst));
  if (!hs.is_ok()) return;
  if (!hd.is_ok()) {
    fail(rel(), hd.status().with_context("verify"));
  } else if (*hs != *hd) {
    fail(rel(), "verify: content differs between source and target");
  } else {
    files_verified_.fetch_add(1);
  }
}

// --- the run ----------------------------------------------------------------------------

std::string parent_path(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Result<bool> CopyRun::is_inside(int from, const FileStat& other) {
  // Walks up from `from` to "/" through "..", looking for `other`.
  auto cur = fs_.open_at(from, ".", O_PATH | O_DIRECTORY);
  if (!cur.is_ok()) return cur.status();
  Fd fd = std::move(*cur);
  for (int depth = 0; depth < 4096; ++depth) {
    auto st = fs_.stat_at(fd.get(), "");
    if (!st.is_ok()) return st.status();
    if (st->dev == other.dev && st->ino == other.ino) return true;
    auto up = fs_.open_at(fd.get(), "..", O_PATH | O_DIRECTORY);
    if (!up.is_ok()) return up.status();
    auto up_st = fs_.stat_at(up->get(), "");
    if (!up_st.is_ok()) return up_st.status();
    if (up_st->dev == st->dev && up_st->ino == st->ino) return false;  // reached "/"
    fd = std::move(*up);
  }
  return false;
}

Status CopyRun::resolve_home_owners(bool target_existed, const fs::FileStat& src_root,
                                    const fs::FileStat& dst_root) {
  for (auto [mapping, what] : {std::pair{&opt_.owner, "owner"}, std::pair{&opt_.group, "group"}}) {
    if (mapping->mode() != IdMapping::Mode::kHome) continue;
    if (!target_existed) {
      return Status::invalid_argument(fmt::format(
          "--{} home: target '{}' does not exist, so it has no {} to give the files; create "
          "it first (the platform does, for a recovery) or name the ids with map:OLD=NEW",
          what, opt_.target, what));
    }
    const bool is_owner = mapping == &opt_.owner;
    const std::uint32_t from = is_owner ? src_root.uid : src_root.gid;
    const std::uint32_t to = is_owner ? dst_root.uid : dst_root.gid;
    // A target root owned by root is no one's home: the files keep their owners rather
    // than become root's.
    *mapping = to == 0 ? IdMapping() : mapping->resolved_for_roots(from, to);
  }
  return Status::ok();
}

Result<CopyReport> CopyRun::run() {
  start_ = Clock::now();
  raise_fd_limit();
  auto src = fs_.open_root(opt_.source, false);
  if (!src.is_ok()) {
    return Status::invalid_argument(
        fmt::format("source '{}': {}", opt_.source, src.status().message()));
  }
  auto src_stat = fs_.stat_at(src->get(), "");
  if (!src_stat.is_ok()) return src_stat.status();
  // The target root: created if missing (not in a dry run, where a missing target is empty)
  // — but only after making sure it would not land inside the source.
  Result<Fd> dst = fs_.open_root(opt_.target, false);
  const bool dst_existed = dst.is_ok();
  if (!dst.is_ok()) {
    if (dst.status().sys_errno() != ENOENT) {
      return Status::invalid_argument(
          fmt::format("target '{}': {}", opt_.target, dst.status().message()));
    }
    for (std::string probe = parent_path(opt_.target);; probe = parent_path(probe)) {
      auto ancestor = fs_.open_root(probe, false);
      if (ancestor.is_ok()) {
        LIFEBOAT_ASSIGN_OR_RETURN(bool nested, is_inside(ancestor->get(), *src_stat));
        if (nested) {
          return Status::invalid_argument(fmt::format(
              "target '{}' would be inside the source '{}': choose a target outside the source",
              opt_.target, opt_.source));
        }
        break;
      }
      if (ancestor.status().sys_errno() != ENOENT || probe == "/" || probe == ".") break;
    }
    if (!opt_.dry_run) LIFEBOAT_RETURN_IF_ERROR(resolve_home_owners(false, *src_stat, {}));
    dst = opt_.dry_run ? Result<Fd>(Fd()) : fs_.open_root(opt_.target, true);
    if (!dst.is_ok()) {
      return Status::invalid_argument(
          fmt::format("target '{}': {}", opt_.target, dst.status().message()));
    }
  }
  if (dst->valid()) {
    auto dst_stat = fs_.stat_at(dst->get(), "");
    if (!dst_stat.is_ok()) return dst_stat.status();
    LIFEBOAT_RETURN_IF_ERROR(resolve_home_owners(dst_existed, *src_stat, *dst_stat));
    LIFEBOAT_ASSIGN_OR_RETURN(bool dst_in_src, is_inside(dst->get(), *src_stat));
    if (dst_in_src) {
      return Status::invalid_argument(fmt::format(
          "target '{}' is the source '{}' or inside it: choose a target outside the source",
          opt_.target, opt_.source));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(bool src_in_dst, is_inside(src->get(), *dst_stat));
    if (src_in_dst) {
      return Status::invalid_argument(fmt::format(
          "source '{}' is inside the target '{}': choose a target that does not contain the source",
          opt_.source, opt_.target));
    }
    auto again = fs_.open_at(dst->get(), ".", O_PATH | O_DIRECTORY);
    if (!again.is_ok()) return again.status();
    dst_root_ = std::move(*again);
  }

  auto root = std::make_shared<DirNode>();
  root->src = std::move(*src);
  root->dst = std::move(*dst);
  root->src_stat = *src_stat;
  root->has_dst = root->dst.valid();
  root->keep_metadata = dst_existed && opt_.overwrite != OverwriteMode::kAlways;
  std::int64_t prepare_ms = ms_since(start_);
  auto transfer_start = Clock::now();

  // Default: at least kMinDefaultWorkers even on a 2-core host. Homes live on network file
  // systems (EFS) where every open and stat is a round trip: workers mostly wait, so more
  // of them than cores hide the latency (bench tree (e): 2 workers 0.33x rsync, 8: ~0.1x).
  constexpr unsigned kMinDefaultWorkers = 8;
  threads_ =
      opt_.parallel > 0
          ? opt_.parallel
          : static_cast<int>(std::max(kMinDefaultWorkers, std::thread::hardware_concurrency()));
  std::jthread ticker;
  if (progress_) ticker = std::jthread([this](std::stop_token t) { progress_loop(std::move(t)); });
  list_dir(root);

  {
    std::vector<std::jthread> pool;
    pool.reserve(static_cast<size_t>(threads_));
    for (int i = 0; i < threads_; ++i) pool.emplace_back([this] { worker(); });
    // Wake the workers if no job was ever queued (an empty or unreadable root).
    queue_cv_.notify_all();
  }
  release(root);
  if (!opt_.dry_run && dst_root_.valid() && !stopping()) {
    // syncfs needs a real descriptor, not the O_PATH one kept for linking.
    auto sync_fd = fs_.open_at(dst_root_.get(), ".", O_RDONLY | O_DIRECTORY);
    Status sync = sync_fd.is_ok() ? fs_.syncfs_fd(sync_fd->get()) : sync_fd.status();
    if (!sync) fail("", sync.with_context("syncfs on the target"));
  }
  std::int64_t transfer_ms = ms_since(transfer_start);

  auto verify_start = Clock::now();
  if (opt_.verify == VerifyMode::kAll && !opt_.dry_run && !stopping() && dst_root_.valid()) {
    auto vs = fs_.open_root(opt_.source, false);
    auto vd = open_for_reading(dst_root_.get(), ".", O_RDONLY | O_DIRECTORY);
    if (vs.is_ok() && vd.is_ok()) {
      verify_tree(std::move(*vs), std::move(*vd));
    } else {
      fail("", "verify: could not reopen the roots");
    }
  }
  std::int64_t verify_ms = ms_since(verify_start);
  if (ticker.joinable()) {
    ticker.request_stop();
    ticker.join();
  }

  CopyReport r;
  r.estimated_files_to_transfer = files_est_;
  r.estimated_bytes_to_transfer = bytes_est_;
  r.files_transferred = files_transferred_;
  r.bytes_transferred = bytes_transferred_;
  r.bytes_written = bytes_written_;
  r.files_skipped = files_skipped_;
  r.files_deleted = files_deleted_;
  r.files_verified = files_verified_;
  r.files_failed = files_failed_;
  r.prepare_duration_ms = prepare_ms;
  r.transfer_duration_ms = transfer_ms;
  r.verify_duration_ms = verify_ms;
  r.dry_run = opt_.dry_run;
  {
    std::lock_guard lock(report_mu_);
    r.errors = std::move(errors_);
    r.skipped = std::move(skipped_);
    r.message = message_;
  }
  if (stopping()) {
    r.status = CopyStatus::kError;
  } else if (r.files_failed > 0) {
    r.status = CopyStatus::kPartial;
  }
  r.total_duration_ms = ms_since(start_);
  if (progress_) progress_(snapshot(true));
  return r;
}

}  // namespace

Copier::Copier(fs::FileSystem& fs, CopyOptions options) : fs_(fs), options_(std::move(options)) {}

Result<CopyReport> Copier::run(const ProgressCallback& progress, std::stop_token stop) {
  if (options_.source.empty() || options_.target.empty()) {
    return Status::invalid_argument("copy: both a source and a target directory are needed");
  }
  LIFEBOAT_ASSIGN_OR_RETURN(PathFilter filter,
                            PathFilter::create(options_.excludes, options_.includes));
  CopyRun run(fs_, options_, std::move(filter), progress, std::move(stop));
  return run.run();
}

Result<CopyReport> run_copy(fs::FileSystem& fs, const CopyOptions& options,
                            const ProgressCallback& progress, std::stop_token stop) {
  return Copier(fs, options).run(progress, std::move(stop));
}

}  // namespace lifeboat::transfer

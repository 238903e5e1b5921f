#include "transfer/copier.h"

#include <fcntl.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "transfer/copy_roots.h"
#include "transfer/copy_tally.h"
#include "transfer/data_copy.h"
#include "transfer/dir_open.h"
#include "transfer/entry_copier.h"
#include "transfer/file_placement.h"
#include "transfer/job_queue.h"
#include "transfer/metadata.h"
#include "transfer/path_filter.h"
#include "transfer/target_dirs.h"
#include "transfer/tree_verifier.h"
#include "transfer/tree_walk.h"

namespace lifeboat::transfer {

using core::Result;
using core::Status;
using fs::DirEntry;
using fs::Fd;
using fs::FileStat;
using fs::FileType;

namespace {

// The walk holds a bounded number of descriptors (see OpenDirs); the limit is raised
// anyway so that many workers on a wide tree never meet EMFILE.
void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

constexpr size_t kBatchSize = 128;

// One run of the copy: the roots, the walk over the source directories with a pool of
// workers, each entry handed to the EntryCopier, each directory's own metadata once its
// contents are done, then --verify all and the report (see copier.h for the parts).
class CopyRun {
 public:
  CopyRun(fs::FileSystem& fs, const CopyOptions& options, PathFilter filter,
          const ProgressCallback& progress, std::stop_token stop,
          std::optional<core::Clock::WallTime> deadline, const core::Clock& clock)
      : fs_(fs),
        opt_(options),
        filter_(std::move(filter)),
        progress_(progress),
        stop_token_(std::move(stop)),
        deadline_(deadline),
        clock_(clock),
        dirs_(fs),
        placer_(fs, opt_),
        targets_(fs, opt_, filter_, tally_, placer_),
        meta_(fs, opt_),
        data_(fs, options.bwlimit, clock, stop_check(), tally_) {}

  Result<CopyReport> run();

 private:
  // --- the walk ---
  void run_job(Job& job);
  //! The child's node (now holding the count the job took on `parent`), or null on failure.
  //! `target_made`: this run has just created the (empty) target directory.
  NodePtr open_dir(const NodePtr& parent, const std::string& name, bool target_made);
  void list_dir(const NodePtr& node);
  //! Queues `entries` of `node` as jobs of `kind`, `per_job` entries each at most.
  void push_jobs(const NodePtr& node, Job::Kind kind, std::vector<DirEntry> entries,
                 size_t per_job);
  //! Queues the creation of the targets of `subdirs` (subdirectories of `node`, whose
  //! target this run created): all of them are made before any is entered.
  void push_new_subdirs(const NodePtr& node, std::vector<DirEntry> subdirs);
  //! Runs a kMakeDirs job: creates its range when `pinned` (node's descriptors open); the
  //! level's last job queues the opening of every subdirectory of the level.
  void make_subdirs(const NodePtr& node, const Job& job, bool pinned);
  void release(const NodePtr& node);
  void finalize_dir(DirNode& node);
  void process_entry(const NodePtr& node, const DirEntry& entry);
  //! Queues the copy of subdirectory `name` of `node` (which it keeps pending meanwhile).
  void push_dir(const NodePtr& node, const std::string& name, bool target_made = false);

  // --- bookkeeping ---
  void fail(const EntryPath& rel, const Status& st) { tally_.fail(rel.str(), st); }
  void fail(const EntryPath& rel, const std::string& reason) { tally_.fail(rel.str(), reason); }
  NodePtr fail_dir(const EntryPath& rel, const Status& st) {
    fail(rel, st);
    return nullptr;
  }
  NodePtr fail_dir(const EntryPath& rel, const std::string& reason) {
    fail(rel, reason);
    return nullptr;
  }
  bool stopping() const { return tally_.stopping(); }
  // Turns a request on the caller's stop token, or the deadline passing, into a stop of
  // this run; true when stopping.
  bool stop_requested();
  std::function<bool()> stop_check() {
    return [this] { return stop_requested(); };
  }
  void progress_loop(std::stop_token token);
  CopyProgress snapshot(bool finished) const;

  fs::FileSystem& fs_;
  CopyOptions opt_;  // a copy: `home` id mappings are resolved once the roots are open
  PathFilter filter_;
  const ProgressCallback& progress_;
  std::stop_token stop_token_;
  std::optional<core::Clock::WallTime> deadline_;
  const core::Clock& clock_;
  int threads_ = 1;
  Fd dst_root_;  // O_PATH
  core::Clock::SteadyTime start_;

  CopyTally tally_;
  OpenDirs dirs_;
  JobQueue queue_;
  FilePlacer placer_;
  TargetDirs targets_;
  Metadata meta_;
  DataCopier data_;
  std::optional<EntryCopier> entries_;  // once the roots are open
};

// ---------------------------------------------------------------------------------------

bool CopyRun::stop_requested() {
  if (!stopping()) {
    if (stop_token_.stop_requested()) {
      tally_.stop("the copy was cancelled before it finished");
    } else if (deadline_ && clock_.now() >= *deadline_) {
      tally_.stop("the copy reached its deadline before it finished and was stopped");
    }
  }
  return stopping();
}

CopyProgress CopyRun::snapshot(bool finished) const {
  CopyProgress p = tally_.progress();
  p.elapsed_ms = core::elapsed_ms(clock_, start_);
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

// --- the walk ---------------------------------------------------------------------------

void CopyRun::run_job(Job& job) {
  try {
    (void)stop_requested();
    DirNode& dir = *job.node;
    if (job.kind == Job::Kind::kOpenDir) {
      NodePtr child;
      if (!stopping()) {
        if (Status p = dirs_.pin(dir); !p) {
          fail(EntryPath{&dir, job.dir_name}, p);
        } else {
          child = open_dir(job.node, job.dir_name, job.target_made);
          if (child) dirs_.unpin(*child);
          dirs_.unpin(dir);
        }
      }
      // The job's count on the parent passes to the child, released when the child is done.
      release(child ? child : job.node);
      return;
    }
    if (job.kind == Job::Kind::kMakeDirs) {
      bool pinned = false;
      if (!stopping()) {
        Status p = dirs_.pin(dir);
        if (!p) tally_.fail(rel_of(dir), p);
        pinned = p.is_ok();
      }
      make_subdirs(job.node, job, pinned);
      if (pinned) dirs_.unpin(dir);
    } else if (!stopping()) {
      if (Status p = dirs_.pin(dir); !p) {
        tally_.fail(rel_of(dir), p);
      } else {
        for (const DirEntry& entry : job.batch) {
          if (stopping()) break;
          process_entry(job.node, entry);
        }
        dirs_.unpin(dir);
      }
    }
    release(job.node);
  } catch (const std::exception& e) {
    // Exceptions never cross the thread: they become an error of the directory.
    tally_.fail(job.node ? rel_of(*job.node) : std::string(),
                fmt::format("internal error: {}", e.what()));
    release(job.node);
  }
}

void CopyRun::release(const NodePtr& start) {
  // A loop, not a recursion: finishing the bottom of a deep chain finishes every level.
  NodePtr node = start;
  while (node && node->pending.fetch_sub(1) == 1) {
    if (!stopping()) {
      if (Status p = dirs_.pin(*node); !p) {
        tally_.fail(rel_of(*node), p);
      } else {
        finalize_dir(*node);
        if (node->parent != nullptr) dirs_.reopen_parent_from(*node);
      }
    }
    dirs_.close(*node);
    // Let go of the parent here, so that no chain of owners is left to be destroyed by
    // nested destructor calls (one stack frame per level).
    NodePtr parent = std::move(node->parent);
    node = std::move(parent);
  }
}

NodePtr CopyRun::open_dir(const NodePtr& parent, const std::string& name, bool target_made) {
  // A target made for a source directory that cannot be copied after all is taken back.
  auto drop_made = [&] {
    if (target_made) (void)fs_.unlink_at(parent->dst.get(), name, true);
  };
  auto node = std::make_shared<DirNode>();
  node->parent = parent;
  node->name = name;
  node->pins = 1;  // the caller's, until it unpins
  const EntryPath rel{parent.get(), name};
  node->included =
      parent->included || (filter_.has_includes() && filter_.included(rel.str(), true));
  auto src = open_for_reading(fs_, parent->src.get(), name, O_RDONLY | O_DIRECTORY);
  if (!src.is_ok()) drop_made();
  if (!src.is_ok()) {
    if (src.status().sys_errno() == ENOENT) return nullptr;  // vanished since it was listed
    if (src.status().sys_errno() == ELOOP || src.status().sys_errno() == ENOTDIR) {
      return fail_dir(rel, "changed into a non-directory during the copy; not followed");
    }
    return fail_dir(rel, src.status());
  }
  node->src = std::move(*src);
  auto st = fs_.stat_at(node->src.get(), "");
  if (!st.is_ok()) {
    drop_made();
    return fail_dir(rel, st.status());
  }
  node->src_stat = *st;

  if (target_made) {
    node->dst_created = true;
    if (!targets_.open(*parent, *node, rel)) return nullptr;
  } else if (parent->dst.valid() && !targets_.prepare(*parent, *node, rel)) {
    return nullptr;
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
  if (!st) return tally_.fail(rel_of(*node), st);

  if (node->dst.valid() && !node->dst_created) {
    std::unordered_set<std::string> names;
    names.reserve(entries.size());
    for (const DirEntry& e : entries) names.insert(e.name);
    targets_.prune(node, names);
  }

  // In a target directory this run has just created, the targets of the subdirectories
  // are made first, all of them before any is entered (docs/architecture.md, "Small files
  // on ext4"): a level's directories then sit together in their parent's block group
  // instead of being spread by the files already placed around them.
  std::vector<DirEntry> subdirs;
  if (node->dst_created && !opt_.dry_run) {
    auto is_new_subdir = [&](const DirEntry& e) {
      return e.type == FileType::kDirectory &&
             !(filter_.has_patterns() &&
               filter_.excluded(EntryPath{node.get(), e.name}.str(), true));
    };
    auto first = std::stable_partition(entries.begin(), entries.end(),
                                       [&](const DirEntry& e) { return !is_new_subdir(e); });
    subdirs.assign(std::make_move_iterator(first), std::make_move_iterator(entries.end()));
    entries.erase(first, entries.end());
  }
  // A directory of a few entries (perhaps a handful of big files) is spread over the
  // workers one entry each; otherwise a worker takes up to kBatchSize entries, so that
  // workers mostly stay in different directories: creates and renames in one directory
  // serialise on its lock, which costs a round trip each on network or FUSE file systems.
  size_t per_job = entries.size() <= 8 * static_cast<size_t>(threads_) ? 1 : kBatchSize;
  push_jobs(node, Job::Kind::kEntries, std::move(entries), per_job);
  // Queued last, so taken first.
  if (!subdirs.empty()) push_new_subdirs(node, std::move(subdirs));
}

void CopyRun::push_jobs(const NodePtr& node, Job::Kind kind, std::vector<DirEntry> entries,
                        size_t per_job) {
  for (size_t i = 0; i < entries.size(); i += per_job) {
    Job job;
    job.kind = kind;
    job.node = node;
    size_t end = std::min(entries.size(), i + per_job);
    job.batch.assign(std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(i)),
                     std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(end)));
    node->pending.fetch_add(1);
    queue_.push(std::move(job));
  }
}

void CopyRun::push_new_subdirs(const NodePtr& node, std::vector<DirEntry> subdirs) {
  // Spread over the workers, since each mkdir is a round trip on a network file system;
  // the job that finishes last queues the opening of them all.
  auto level = std::make_shared<NewSubdirs>();
  level->made.assign(subdirs.size(), 0);
  level->entries = std::move(subdirs);
  const size_t n = level->entries.size();
  const size_t workers = static_cast<size_t>(threads_);
  const size_t per_job = std::clamp<size_t>((n + workers - 1) / workers, 1, kBatchSize);
  level->jobs_left = (n + per_job - 1) / per_job;
  for (size_t i = 0; i < n; i += per_job) {
    Job job;
    job.kind = Job::Kind::kMakeDirs;
    job.node = node;
    job.subdirs = level;
    job.begin = i;
    job.end = std::min(n, i + per_job);
    node->pending.fetch_add(1);
    queue_.push(std::move(job));
  }
}

void CopyRun::make_subdirs(const NodePtr& node, const Job& job, bool pinned) {
  NewSubdirs& level = *job.subdirs;
  for (size_t i = job.begin; pinned && i < job.end && !stopping(); ++i) {
    // A failure is left to the opening, which tries again and reports it.
    level.made[i] = fs_.mkdir_at(node->dst.get(), level.entries[i].name, 0700) ? 1 : 0;
  }
  if (level.jobs_left.fetch_sub(1) != 1 || stopping()) return;
  for (size_t i = 0; i < level.entries.size(); ++i) {
    push_dir(node, level.entries[i].name, level.made[i] != 0);
  }
}

void CopyRun::finalize_dir(DirNode& node) {
  if (opt_.dry_run || !node.dst.valid() || node.keep_metadata) return;
  Status st = meta_.apply_to_dir(node.src.get(), node.src_stat, node.dst.get(), node.dst_created);
  if (!st) tally_.fail(rel_of(node), st);
}

void CopyRun::push_dir(const NodePtr& node, const std::string& name, bool target_made) {
  Job job;
  job.kind = Job::Kind::kOpenDir;
  job.node = node;
  job.dir_name = name;
  job.target_made = target_made;
  node->pending.fetch_add(1);
  queue_.push(std::move(job));
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
    if (entries_->copy_fresh_regular(*node, entry.name, rel)) return;
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
      return entries_->copy_regular(*node, entry.name, rel, st);
    case FileType::kSymlink:
      return entries_->copy_symlink(*node, entry.name, rel, st);
    case FileType::kFifo:
    case FileType::kSocket:
    case FileType::kCharDevice:
    case FileType::kBlockDevice:
      if (!opt_.devices) {
        return tally_.skip_listed(
            rel.str(),
            fmt::format("{} skipped (use --devices to recreate it)", fs::file_type_name(st.type)));
      }
      return entries_->copy_special(*node, entry.name, rel, st);
    default:
      return fail(rel, "unknown file type; not copied");
  }
}

// --- the run ----------------------------------------------------------------------------

Result<CopyReport> CopyRun::run() {
  start_ = clock_.steady_now();
  raise_fd_limit();
  LIFEBOAT_ASSIGN_OR_RETURN(CopyRoots roots, open_copy_roots(fs_, opt_));
  dst_root_ = std::move(roots.dst_path);
  entries_.emplace(fs_, opt_, tally_, placer_, meta_, data_, dst_root_.get());
  auto root = std::make_shared<DirNode>();
  root->src = std::move(roots.src);
  root->dst = std::move(roots.dst);
  root->src_stat = roots.src_stat;
  root->has_dst = root->dst.valid();
  root->dst_created = root->has_dst && !roots.dst_existed;
  root->keep_metadata = roots.dst_existed && opt_.overwrite != OverwriteMode::kAlways;
  std::int64_t prepare_ms = core::elapsed_ms(clock_, start_);
  auto transfer_start = clock_.steady_now();

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
  queue_.run(threads_, [this](Job& job) { run_job(job); });
  release(root);
  if (!opt_.dry_run && dst_root_.valid() && !stopping()) {
    // syncfs needs a real descriptor, not the O_PATH one kept for linking.
    auto sync_fd = fs_.open_at(dst_root_.get(), ".", O_RDONLY | O_DIRECTORY);
    Status sync = sync_fd.is_ok() ? fs_.syncfs_fd(sync_fd->get()) : sync_fd.status();
    if (!sync) tally_.fail("", sync.with_context("syncfs on the target"));
  }
  std::int64_t transfer_ms = core::elapsed_ms(clock_, transfer_start);

  auto verify_start = clock_.steady_now();
  if (opt_.verify == VerifyMode::kAll && !opt_.dry_run && !stopping() && dst_root_.valid()) {
    auto vs = fs_.open_root(opt_.source, false);
    auto vd = open_for_reading(fs_, dst_root_.get(), ".", O_RDONLY | O_DIRECTORY);
    if (vs.is_ok() && vd.is_ok()) {
      TreeVerifier verifier(fs_, opt_, filter_, tally_, stop_check());
      verifier.verify(std::move(*vs), std::move(*vd));
    } else {
      tally_.fail("", "verify: could not reopen the roots");
    }
  }
  std::int64_t verify_ms = core::elapsed_ms(clock_, verify_start);
  if (ticker.joinable()) {
    ticker.request_stop();
    ticker.join();
  }

  CopyReport r;
  tally_.fill(r);
  r.prepare_duration_ms = prepare_ms;
  r.transfer_duration_ms = transfer_ms;
  r.verify_duration_ms = verify_ms;
  r.dry_run = opt_.dry_run;
  r.total_duration_ms = core::elapsed_ms(clock_, start_);
  if (progress_) progress_(snapshot(true));
  return r;
}

}  // namespace

Copier::Copier(fs::FileSystem& fs, CopyOptions options, const core::Clock& clock)
    : fs_(fs), options_(std::move(options)), clock_(clock) {}

Result<CopyReport> Copier::run(const ProgressCallback& progress, std::stop_token stop,
                               std::optional<core::Clock::WallTime> deadline) {
  if (options_.source.empty() || options_.target.empty()) {
    return Status::invalid_argument("copy: both a source and a target directory are needed");
  }
  LIFEBOAT_ASSIGN_OR_RETURN(PathFilter filter,
                            PathFilter::create(options_.excludes, options_.includes));
  CopyRun run(fs_, options_, std::move(filter), progress, std::move(stop), deadline, clock_);
  return run.run();
}

Result<CopyReport> run_copy(fs::FileSystem& fs, const CopyOptions& options,
                            const ProgressCallback& progress, std::stop_token stop,
                            std::optional<core::Clock::WallTime> deadline,
                            const core::Clock& clock) {
  return Copier(fs, options, clock).run(progress, std::move(stop), deadline);
}

}  // namespace lifeboat::transfer

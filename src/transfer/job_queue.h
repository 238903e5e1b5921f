// JobQueue: the copy walk's work — batches of a directory's entries to copy, subdirectories
// to create and to open — shared by a pool of worker threads. Taken newest first, so the
// walk goes depth-first and keeps few directories in progress. Thread safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fs/file_system.h"
#include "transfer/tree_walk.h"

namespace lifeboat::transfer {

//! The subdirectories of a directory whose target this run has just created: their targets
//! are made by one or more kMakeDirs jobs, each over a range of `entries`, and the job that
//! finishes last queues the opening of them all.
struct NewSubdirs {
  std::vector<fs::DirEntry> entries;
  std::vector<char> made;  //!< per entry: its target was created (written by its range's job)
  std::atomic<std::size_t> jobs_left{0};
};

struct Job {
  enum class Kind {
    kEntries,   //!< copy the entries in `batch`
    kOpenDir,   //!< open subdirectory `dir_name` of `node` and list it
    kMakeDirs,  //!< create the target of each subdirectory in `batch`, then open each
  };
  Kind kind = Kind::kEntries;
  NodePtr node;                     //!< directory the entries belong to (or the parent of dir_name)
  std::vector<fs::DirEntry> batch;  //!< kEntries, kMakeDirs
  std::string dir_name;             //!< kOpenDir: the child to open
  bool target_made = false;         //!< kOpenDir: this run has just created its (empty) target
  std::shared_ptr<NewSubdirs> subdirs;  //!< kMakeDirs: the level, and the range to create
  std::size_t begin = 0;
  std::size_t end = 0;
};

class JobQueue {
 public:
  void push(Job job);
  //! Runs `threads` workers that pass jobs to `run_job` (which must not throw) until none
  //! is queued or running — jobs may push more — and returns when they have all stopped.
  void run(int threads, const std::function<void(Job&)>& run_job);

 private:
  void worker(const std::function<void(Job&)>& run_job);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::size_t outstanding_ = 0;  // jobs queued or running
};

}  // namespace lifeboat::transfer

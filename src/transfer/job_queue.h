// JobQueue: the copy walk's work — batches of a directory's entries to copy, and
// subdirectories to open — shared by a pool of worker threads. Taken newest first, so the
// walk goes depth-first and keeps few directories in progress. Thread safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "fs/file_system.h"
#include "transfer/tree_walk.h"

namespace lifeboat::transfer {

struct Job {
  NodePtr node;                     //!< directory the entries belong to (or the parent of dir_name)
  std::vector<fs::DirEntry> batch;  //!< entries to copy; empty for a directory-open job
  std::string dir_name;             //!< directory-open job: the child to open
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

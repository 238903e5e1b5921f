// HardLinkTable: the inodes with more than one name met so far in a copy run, and where
// their first name's copy went. The first name of an inode is copied; each later name is
// linked to that copy, waiting while it is still being made. Holds one entry per inode
// seen; thread safe (its own lock).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace lifeboat::transfer {

class HardLinkTable {
 public:
  struct Lookup {
    enum class Kind {
      kFirst,     //!< first name of the inode seen: the caller's copy is the original
      kOriginal,  //!< `original` is the path (from the target root) of the finished original
      kNone,      //!< the original failed: copy this name as a file of its own
    } kind = Kind::kFirst;
    std::string original;
  };

  //! Looks up inode (dev, ino). Unseen: it is recorded as being copied by the caller, who
  //! must call finish() for it. Seen: waits until its original is finished.
  Lookup claim(std::uint64_t dev, std::uint64_t ino);
  //! Like claim(), but an unseen inode is recorded as finished at `rel` (a copy already in
  //! the target stays the original); no finish() is owed.
  Lookup claim_kept(std::uint64_t dev, std::uint64_t ino, const std::string& rel);
  //! The original of (dev, ino) is done (`ok`) at `rel`, or failed; wakes the waiters.
  void finish(std::uint64_t dev, std::uint64_t ino, bool ok, const std::string& rel);

 private:
  enum class State { kCopying, kDone, kFailed };
  struct Group {
    State state = State::kCopying;
    std::string target_rel;  // where the first copy went
  };
  Lookup lookup(std::uint64_t dev, std::uint64_t ino, Group initial);

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Group> groups_;
};

}  // namespace lifeboat::transfer

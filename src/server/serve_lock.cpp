#include "server/serve_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include <fmt/format.h>

#include "core/time_format.h"
#include "store/open_store.h"

namespace lifeboat::server {

std::string ServeLock::path_for(const std::string& store_url) {
  const std::string db = store::sqlite_path_of(store_url);
  return db.empty() ? "" : db + ".serve.lock";
}

core::Result<ServeLock> ServeLock::acquire(const std::string& path, const core::Clock& clock) {
  fs::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return core::Status::from_errno(errno, fmt::format("cannot open the lock file '{}'", path));
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return core::Status::from_errno(errno, fmt::format("cannot lock '{}'", path));
    }
    std::array<char, 512> buf{};
    ssize_t n = ::pread(fd.get(), buf.data(), buf.size() - 1, 0);
    std::string holder = n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    return core::Status::failed_precondition(fmt::format(
        "another lifeboat serve holds this store ({}; lock file '{}'); stop it first, or give "
        "this one another --data-dir or --store",
        holder.empty() ? "holder unknown" : holder, path));
  }
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  const std::string me = fmt::format("pid {} on {} since {}\n", ::getpid(), host.data(),
                                     core::format_rfc3339(clock.now()));
  if (::ftruncate(fd.get(), 0) != 0 ||
      ::pwrite(fd.get(), me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    return core::Status::from_errno(errno, fmt::format("cannot write the lock file '{}'", path));
  }
  return ServeLock(std::move(fd), path);
}

}  // namespace lifeboat::server

#include "server/api_token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include <fmt/format.h>

#include "fs/fd.h"
#include "store/open_store.h"
#include "store/postgres_url.h"

namespace lifeboat::server {
namespace {

using core::Status;

constexpr std::size_t kMaxTokenFileBytes = 4096;

std::string directory_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

core::Result<std::string> random_token() {
  std::array<unsigned char, 32> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t n = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(errno, "cannot draw random bytes for the API token");
    }
    filled += static_cast<std::size_t>(n);
  }
  std::string hex;
  for (unsigned char b : bytes) hex += fmt::format("{:02x}", b);
  return hex;
}

// Writes `token` to a private temporary and links it to `path`, which fails if the name
// exists: the file appears whole, with mode 0600, or not at all.
Status create_token_file(const std::string& path, const std::string& token) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  fs::Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return Status::from_errno(errno, fmt::format("cannot create '{}'", tmp));
  const std::string text = token + "\n";
  Status st = Status::ok();
  if (::fchmod(fd.get(), 0600) != 0 ||
      ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::fsync(fd.get()) != 0) {
    st = Status::from_errno(errno, fmt::format("cannot write the API token to '{}'", tmp));
  } else if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    st = Status::from_errno(errno, fmt::format("cannot create the API token file '{}'", path));
  }
  ::unlink(tmp.c_str());
  if (!st.is_ok()) return st;
  fs::Fd dir(::open(directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) (void)::fsync(dir.get());
  return Status::ok();
}

core::Result<std::string> read_token_file(const std::string& path) {
  fs::Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    if (errno == ELOOP) {
      return Status::invalid_argument(fmt::format(
          "token file '{}' is a symbolic link; point token_file at the file itself", path));
    }
    return Status::from_errno(errno, fmt::format("cannot open the token file '{}'", path));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Status::from_errno(errno, fmt::format("cannot stat the token file '{}'", path));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::invalid_argument(fmt::format("token file '{}' is not a regular file", path));
  }
  if (st.st_uid != ::geteuid()) {
    return Status::invalid_argument(
        fmt::format("token file '{}' is owned by uid {}, not by the user lifeboat runs as ({}); "
                    "another user could have chosen the token: chown it",
                    path, st.st_uid, ::geteuid()));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::invalid_argument(
        fmt::format("token file '{}' has mode {:04o}: other users can read or change it; run "
                    "chmod 600 '{}'",
                    path, st.st_mode & 07777, path));
  }
  if (st.st_size > static_cast<off_t>(kMaxTokenFileBytes)) {
    return Status::invalid_argument(
        fmt::format("token file '{}' is larger than {} bytes; it should hold one line", path,
                    kMaxTokenFileBytes));
  }
  std::string text(kMaxTokenFileBytes, '\0');
  ssize_t n = ::read(fd.get(), text.data(), text.size());
  if (n < 0) return Status::from_errno(errno, fmt::format("cannot read '{}'", path));
  text.resize(static_cast<std::size_t>(n));
  std::string token = text.substr(0, text.find('\n'));
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ' || token.back() == '\t')) {
    token.pop_back();
  }
  for (char c : token) {
    if (c <= ' ' || c > '~') {
      return Status::invalid_argument(fmt::format(
          "token file '{}': the token (first line) must be printable ASCII without spaces", path));
    }
  }
  if (token.size() < kMinTokenLength) {
    return Status::invalid_argument(
        fmt::format("token file '{}': the token (first line) is {} characters; use at least {} "
                    "(e.g. from: head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n')",
                    path, token.size(), kMinTokenLength));
  }
  return token;
}

}  // namespace

core::Result<std::string> token_path_for(const std::string& token_file,
                                         const std::string& store_url) {
  if (!token_file.empty()) return token_file;
  const std::string db = store::sqlite_path_of(store_url);
  if (db.empty()) {
    return Status::invalid_argument(
        fmt::format("the store '{}' has no data directory to keep the API token in; set token_file",
                    store::mask_postgres_password(store_url)));
  }
  return directory_of(db) + "/" + kTokenFileName;
}

core::Result<ApiToken> load_api_token(const std::string& path, bool create_if_absent) {
  ApiToken out;
  out.path = path;
  if (create_if_absent && ::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
    LIFEBOAT_ASSIGN_OR_RETURN(std::string fresh, random_token());
    LIFEBOAT_RETURN_IF_ERROR(create_token_file(path, fresh));
    out.created = true;
  }
  LIFEBOAT_ASSIGN_OR_RETURN(out.value, read_token_file(path));
  return out;
}

}  // namespace lifeboat::server

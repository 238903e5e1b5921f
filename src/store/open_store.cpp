#include "store/open_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "store/postgres_store.h"
#include "store/postgres_url.h"
#include "store/sqlite_store.h"

namespace lifeboat::store {
namespace {

constexpr std::string_view kSqlitePrefix = "sqlite://";

// mkdir -p with mode 0700 for each directory it creates: the store holds who owns which
// home directory, which is nobody else's business.
core::Status make_private_dirs(const std::string& path) {
  std::string partial;
  std::filesystem::path p(path);
  for (const auto& part : p) {
    if (part == "/") {
      partial.assign(1, '/');  // not = "/": g++ 12 -O3 warns -Wrestrict falsely
      continue;
    }
    if (!partial.empty() && partial.back() != '/') partial += '/';
    partial += part.string();
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return core::Status::from_errno(errno, fmt::format("create data directory '{}'", partial));
    }
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return core::Status::from_errno(errno, fmt::format("data directory '{}'", path));
  }
  if (!S_ISDIR(st.st_mode)) {
    return core::Status::invalid_argument(
        fmt::format("data directory '{}' exists and is not a directory", path));
  }
  return core::Status::ok();
}

}  // namespace

std::string sqlite_path_of(std::string_view url) {
  if (!url.starts_with(kSqlitePrefix)) return "";
  return std::string(url.substr(kSqlitePrefix.size()));
}

core::Result<std::unique_ptr<Store>> open_store(std::string_view url) {
  if (url.starts_with(kSqlitePrefix)) {
    std::string path = sqlite_path_of(url);
    if (path.empty() || path.front() != '/') {
      return core::Status::invalid_argument(fmt::format(
          "store URL '{}' must name an absolute path: sqlite:///absolute/path/lifeboat.db", url));
    }
    LIFEBOAT_ASSIGN_OR_RETURN(auto store, SqliteStore::open(path));
    return std::unique_ptr<Store>(std::move(store));
  }
  if (is_postgres_url(url)) {
    LIFEBOAT_ASSIGN_OR_RETURN(auto store, PostgresStore::open(std::string(url)));
    return std::unique_ptr<Store>(std::move(store));
  }
  // The URL is not shown whole: an unknown scheme may still carry a password.
  return core::Status::invalid_argument(
      fmt::format("store URL '{}' is not understood; use sqlite:///absolute/path.db or "
                  "postgresql://[user@]host[:port]/database",
                  mask_postgres_password(url)));
}

core::Result<std::string> resolve_data_dir(const std::string& flag) {
  std::string dir = flag;
  if (dir.empty()) {
    const char* env = std::getenv("LIFEBOAT_DATA_DIR");
    if (env != nullptr && *env != '\0') dir = env;
  }
  if (dir.empty()) {
    const char* home = std::getenv("HOME");
    if (home == nullptr || *home == '\0') {
      return core::Status::invalid_argument(
          "no data directory: pass --data-dir or set LIFEBOAT_DATA_DIR (HOME is not set)");
    }
    dir = fmt::format("{}/.local/state/lifeboat", home);
  }
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(dir, ec);
  if (ec) {
    return core::Status::invalid_argument(
        fmt::format("data directory '{}': {}", dir, ec.message()));
  }
  std::string path = abs.lexically_normal().string();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  LIFEBOAT_RETURN_IF_ERROR(make_private_dirs(path));
  return path;
}

std::string sqlite_url_for_data_dir(const std::string& data_dir) {
  return fmt::format("{}{}/{}", kSqlitePrefix, data_dir, kDatabaseFileName);
}

}  // namespace lifeboat::store

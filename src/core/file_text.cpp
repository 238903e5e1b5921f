#include "core/file_text.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace lifeboat::core {

Result<std::string> read_file_text(const std::string& path, std::string_view what) {
  auto refused = [&](int err) {
    return Status::invalid_argument(fmt::format("cannot read {} '{}': {}; check the path", what,
                                                path, std::strerror(err != 0 ? err : EIO)));
  };
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return refused(EISDIR);
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return refused(errno);
  std::ostringstream text;
  text << in.rdbuf();
  // An empty file sets failbit on `text`, which is fine; a read error sets badbit on `in`.
  if (in.bad()) return refused(errno);
  return text.str();
}

}  // namespace lifeboat::core

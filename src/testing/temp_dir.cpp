#include "testing/temp_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lifeboat::testing {

namespace sfs = std::filesystem;

TempDir::TempDir(std::string_view prefix) {
  const char* base = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe)
  std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" +
                     std::string(prefix) + "-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed: " + tmpl);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  for (auto it = sfs::recursive_directory_iterator(
           path_, sfs::directory_options::skip_permission_denied, ec);
       !ec && it != sfs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      sfs::permissions(it->path(), sfs::perms::owner_all, sfs::perm_options::add, ec);
    }
  }
  sfs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& rel, const std::string& text) const {
  std::string path = *this / rel;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string TempDir::read(const std::string& rel) const {
  std::ifstream in(*this / rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace lifeboat::testing

// TempDir: a fresh directory for one test, removed with everything in it when the object
// goes. Test-only (src/testing/ is linked into test binaries alone). Not thread safe.
#pragma once

#include <string>
#include <string_view>

namespace lifeboat::testing {

class TempDir {
 public:
  //! Makes $TMPDIR/<prefix>-XXXXXX (TMPDIR unset: /tmp); throws std::runtime_error if it
  //! cannot.
  explicit TempDir(std::string_view prefix = "lifeboat-test");
  //! Removes the tree, first giving its owner access to every directory in it (tests make
  //! unreadable and unwritable entries on purpose). Errors are ignored.
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  //! path() + "/" + rel
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }
  //! Writes `text` to `rel` (its parent must exist); returns its path.
  std::string write(const std::string& rel, const std::string& text) const;
  //! The contents of `rel`, empty if it cannot be read.
  std::string read(const std::string& rel) const;

 private:
  std::string path_;
};

}  // namespace lifeboat::testing

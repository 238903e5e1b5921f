// PathFilter: --exclude / --include patterns and how they select entries.
//
// Rules (see also the README section):
// - Each pattern may hold several patterns joined by '|' (DataSync's SIMPLE_PATTERN form).
// - Paths are relative to the copy root, with '/' between components, e.g. "docs/a.txt".
// - A pattern that starts with '/' or holds a '/' (other than a trailing one) is matched
//   against the whole relative path (a leading '/' is the root). Otherwise it is matched
//   against the entry's own name, at any depth.
// - A trailing '/' makes the pattern match directories only.
// - Wildcards: '*' any run of bytes except '/', '**' any run including '/', '?' one byte
//   except '/', '[abc]' / '[a-z]' / '[!x]' a byte class, '\' escapes the next byte.
// - An excluded directory is not entered: its whole subtree is excluded. Exclude wins over
//   include.
// - With include patterns, only non-directory entries that match one (or lie under a
//   directory that matches one) are copied; directories are walked to find them.
// - --delete never removes a target entry that is excluded or not included.
// Immutable after create; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lifeboat::transfer {

class PathFilter {
 public:
  PathFilter() = default;
  //! Splits and checks the patterns; InvalidArgument names a bad one (empty '[...]' etc.).
  static core::Result<PathFilter> create(const std::vector<std::string>& excludes,
                                         const std::vector<std::string>& includes);

  //! True when `rel_path` (no leading '/') matches an exclude pattern.
  bool excluded(std::string_view rel_path, bool is_dir) const;
  bool has_includes() const { return !includes_.empty(); }
  //! False when there are no patterns at all: nothing needs an entry's path.
  bool has_patterns() const { return !excludes_.empty() || !includes_.empty(); }
  //! True when `rel_path` matches an include pattern itself.
  bool included(std::string_view rel_path, bool is_dir) const;

  //! Glob match of `text` against `pattern` by the rules above (exposed for tests).
  static bool glob_match(std::string_view pattern, std::string_view text);

 private:
  struct Pattern {
    std::string glob;  //!< without leading/trailing '/'
    bool anchored = false;
    bool dir_only = false;
  };
  static bool matches(const Pattern& p, std::string_view rel_path, bool is_dir);
  static core::Result<std::vector<Pattern>> compile(const std::vector<std::string>& specs,
                                                    std::string_view option);

  std::vector<Pattern> excludes_;
  std::vector<Pattern> includes_;
};

}  // namespace lifeboat::transfer

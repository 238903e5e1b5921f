#include "transfer/path_filter.h"

#include <fmt/format.h>

namespace lifeboat::transfer {

using core::Result;
using core::Status;

namespace {

// Matches a '[...]' class at pattern[pi] against byte c; sets `next` past the class.
// Returns false with next == npos when the class is not closed.
bool class_match(std::string_view pattern, size_t pi, unsigned char c, size_t& next) {
  size_t i = pi + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    auto lo = static_cast<unsigned char>(pattern[i]);
    if (pattern[i] == '\\' && i + 1 < pattern.size()) lo = static_cast<unsigned char>(pattern[++i]);
    auto hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = static_cast<unsigned char>(pattern[i + 2]);
      i += 2;
    }
    if (c >= lo && c <= hi) matched = true;
    ++i;
  }
  if (i >= pattern.size()) {
    next = std::string_view::npos;
    return false;
  }
  next = i + 1;
  return matched != negate && c != '/';
}

bool glob_at(std::string_view p, size_t pi, std::string_view t, size_t ti) {
  while (pi < p.size()) {
    char pc = p[pi];
    if (pc == '*') {
      bool any = pi + 1 < p.size() && p[pi + 1] == '*';
      size_t rest = pi + (any ? 2 : 1);
      // Try every split point; '*' stops at '/', '**' does not.
      for (size_t k = ti;; ++k) {
        if (glob_at(p, rest, t, k)) return true;
        if (k >= t.size() || (!any && t[k] == '/')) return false;
      }
    }
    if (ti >= t.size()) return false;
    if (pc == '?') {
      if (t[ti] == '/') return false;
      ++pi;
      ++ti;
    } else if (pc == '[') {
      size_t next = 0;
      bool ok = class_match(p, pi, static_cast<unsigned char>(t[ti]), next);
      if (next == std::string_view::npos) {
        if (t[ti] != '[') return false;  // an unclosed '[' is a literal
        ++pi;
        ++ti;
        continue;
      }
      if (!ok) return false;
      pi = next;
      ++ti;
    } else {
      if (pc == '\\' && pi + 1 < p.size()) pc = p[++pi];
      if (pc != t[ti]) return false;
      ++pi;
      ++ti;
    }
  }
  return ti == t.size();
}

}  // namespace

bool PathFilter::glob_match(std::string_view pattern, std::string_view text) {
  return glob_at(pattern, 0, text, 0);
}

Result<std::vector<PathFilter::Pattern>> PathFilter::compile(const std::vector<std::string>& specs,
                                                             std::string_view option) {
  std::vector<Pattern> out;
  for (const std::string& spec : specs) {
    size_t pos = 0;
    while (pos <= spec.size()) {
      size_t bar = spec.find('|', pos);
      if (bar == std::string::npos) bar = spec.size();
      std::string_view one(spec.data() + pos, bar - pos);
      pos = bar + 1;
      if (one.empty()) continue;
      Pattern p;
      if (one.back() == '/') {
        p.dir_only = true;
        one.remove_suffix(1);
      }
      if (!one.empty() && one.front() == '/') {
        p.anchored = true;
        one.remove_prefix(1);
      }
      if (one.find('/') != std::string_view::npos) p.anchored = true;
      if (one.empty()) {
        return Status::invalid_argument(
            fmt::format("{} '{}': a pattern needs more than '/'", option, spec));
      }
      p.glob = std::string(one);
      out.push_back(std::move(p));
    }
  }
  return out;
}

Result<PathFilter> PathFilter::create(const std::vector<std::string>& excludes,
                                      const std::vector<std::string>& includes) {
  PathFilter f;
  LIFEBOAT_ASSIGN_OR_RETURN(f.excludes_, compile(excludes, "--exclude"));
  LIFEBOAT_ASSIGN_OR_RETURN(f.includes_, compile(includes, "--include"));
  return f;
}

bool PathFilter::matches(const Pattern& p, std::string_view rel_path, bool is_dir) {
  if (p.dir_only && !is_dir) return false;
  if (p.anchored) return glob_match(p.glob, rel_path);
  size_t slash = rel_path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? rel_path : rel_path.substr(slash + 1);
  return glob_match(p.glob, name);
}

bool PathFilter::excluded(std::string_view rel_path, bool is_dir) const {
  for (const Pattern& p : excludes_) {
    if (matches(p, rel_path, is_dir)) return true;
  }
  return false;
}

bool PathFilter::included(std::string_view rel_path, bool is_dir) const {
  for (const Pattern& p : includes_) {
    if (matches(p, rel_path, is_dir)) return true;
  }
  return false;
}

}  // namespace lifeboat::transfer

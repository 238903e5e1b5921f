#include "ingest/pattern_wildcard.h"

#include <fmt/format.h>

namespace lifeboat::ingest {

core::Result<WildcardPattern> WildcardPattern::parse(std::string_view text) {
  WildcardPattern out;
  out.pieces_.emplace_back();
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '*') {
      if (i + 1 < text.size() && text[i + 1] == '*') {
        return core::Status::invalid_argument(
            fmt::format("consecutive wildcard characters at position {} (use a single '*')", i));
      }
      out.pieces_.emplace_back();
    } else if (c == '\\') {
      if (i + 1 < text.size() && (text[i + 1] == '*' || text[i + 1] == '\\')) {
        out.pieces_.back().push_back(text[i + 1]);
        ++i;
      } else {
        return core::Status::invalid_argument(fmt::format(
            "invalid escape at position {}: a backslash may only escape '*' or '\\'", i));
      }
    } else {
      out.pieces_.back().push_back(c);
    }
  }
  return out;
}

bool WildcardPattern::matches(std::string_view value) const noexcept {
  const std::string& first = pieces_.front();
  if (pieces_.size() == 1) return value == first;
  const std::string& last = pieces_.back();
  if (value.size() < first.size() + last.size()) return false;
  if (value.substr(0, first.size()) != first) return false;
  if (value.substr(value.size() - last.size()) != last) return false;
  // The middle pieces must appear in order between the fixed ends; taking each at its
  // leftmost position leaves the most room for the rest, so no backtracking is needed.
  size_t pos = first.size();
  const size_t end = value.size() - last.size();
  for (size_t k = 1; k + 1 < pieces_.size(); ++k) {
    const std::string& piece = pieces_[k];
    std::string_view window = value.substr(pos, end - pos);
    size_t found = window.find(piece);
    if (found == std::string_view::npos) return false;
    pos += found + piece.size();
  }
  return true;
}

}  // namespace lifeboat::ingest

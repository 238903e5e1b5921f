#include "store/postgres_url.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace lifeboat::store {
namespace {

constexpr std::string_view kMask = "***";

using Span = std::pair<std::size_t, std::size_t>;  // offset, length in the URL

// Where the passwords of `url` are: in the user info (the text between ':' and the last '@'
// of the authority; a host never holds an '@') and in `password=` query parameters.
std::vector<Span> password_spans(std::string_view url) {
  std::vector<Span> spans;
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return spans;
  std::size_t authority = scheme_end + 3;
  std::size_t query = url.find('?', authority);
  std::size_t authority_end = std::min(url.find('/', authority), query);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string_view auth = url.substr(authority, authority_end - authority);
  std::size_t at = auth.rfind('@');
  if (at != std::string_view::npos) {
    std::size_t colon = auth.find(':');
    if (colon < at) spans.emplace_back(authority + colon + 1, at - colon - 1);
  }
  if (query == std::string_view::npos) return spans;
  std::size_t pos = query + 1;
  while (pos < url.size()) {
    std::size_t end = url.find('&', pos);
    if (end == std::string_view::npos) end = url.size();
    constexpr std::string_view kKey = "password=";
    if (url.substr(pos, end - pos).starts_with(kKey)) {
      spans.emplace_back(pos + kKey.size(), end - pos - kKey.size());
    }
    pos = end + 1;
  }
  return spans;
}

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string mask_postgres_password(std::string_view url) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& [offset, length] : password_spans(url)) {
    out += url.substr(copied, offset - copied);
    out += kMask;
    copied = offset + length;
  }
  out += url.substr(copied);
  return out;
}

std::string hide_postgres_password(std::string message, std::string_view url) {
  for (const auto& [offset, length] : password_spans(url)) {
    if (length == 0) continue;
    std::string_view password = url.substr(offset, length);
    for (std::size_t at = message.find(password); at != std::string::npos;
         at = message.find(password, at + kMask.size())) {
      message.replace(at, password.size(), kMask);
    }
  }
  return message;
}

}  // namespace lifeboat::store

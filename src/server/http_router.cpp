#include "server/http_router.h"

#include <fmt/format.h>

#include <stdexcept>

#include "core/json.h"

namespace lifeboat::server {
namespace {

using core::Result;
using core::Status;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool is_placeholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

Status parse_query(std::string_view query, std::map<std::string, std::string>& out) {
  if (query.empty()) return Status::ok();
  for (std::string_view pair : split(query, '&')) {
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view raw_key = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    LIFEBOAT_ASSIGN_OR_RETURN(auto key, percent_decode(raw_key, true, "a query parameter name"));
    LIFEBOAT_ASSIGN_OR_RETURN(
        auto value, percent_decode(raw_value, true, fmt::format("query parameter '{}'", key)));
    out.emplace(std::move(key), std::move(value));  // keeps the first of repeated keys
  }
  return Status::ok();
}

}  // namespace

HttpResponse problem_response(int status, std::string_view title, std::string_view detail) {
  core::Json body{{"type", "about:blank"},
                  {"title", std::string(title)},
                  {"status", status},
                  {"detail", std::string(detail)}};
  return HttpResponse{status,
                      "application/problem+json",
                      body.dump(-1, ' ', false, core::Json::error_handler_t::replace),
                      {}};
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space,
                                   std::string_view where) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    int hi = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
    int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Status::invalid_argument(
          fmt::format("{} has a bad percent-escape at offset {}: '%' must be followed by two "
                      "hex digits",
                      where, i));
    }
    // A NUL would end the name early wherever it reaches C strings (paths, SQL).
    if (hi == 0 && lo == 0) {
      return Status::invalid_argument(
          fmt::format("{} has an escaped NUL byte (%00) at offset {}", where, i));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

void HttpRouter::add(std::string method, std::string_view pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument(fmt::format("route pattern '{}' must start with '/'", pattern));
  }
  Route route{method, {}, std::move(handler), fmt::format("{} {}", method, pattern)};
  for (std::string_view segment : split(pattern.substr(1), '/')) {
    if (segment.empty()) {
      throw std::invalid_argument(fmt::format("route pattern '{}' has an empty segment", pattern));
    }
    route.segments.emplace_back(is_placeholder(segment) ? std::string_view{} : segment);
  }
  routes_.push_back(std::move(route));
}

Result<HttpRouter::Match> HttpRouter::match(std::string_view method,
                                            std::string_view target) const {
  Match result;
  auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  result.request.method = std::string(method);
  result.request.path = std::string(path);
  if (question != std::string_view::npos) {
    LIFEBOAT_RETURN_IF_ERROR(parse_query(target.substr(question + 1), result.request.query));
  }
  if (path.empty() || path.front() != '/') return result;

  std::vector<std::string> segments;
  for (std::string_view raw : split(path.substr(1), '/')) {
    LIFEBOAT_ASSIGN_OR_RETURN(auto decoded, percent_decode(raw, false, "the request path"));
    segments.push_back(std::move(decoded));
  }
  for (const Route& route : routes_) {
    if (route.method != method || route.segments.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      if (route.segments[i].empty()) {
        same = !segments[i].empty();
        params.push_back(segments[i]);
      } else {
        same = route.segments[i] == segments[i];
      }
    }
    if (!same) continue;
    result.handler = &route.handler;
    result.route = route.name;
    result.request.params = std::move(params);
    return result;
  }
  return result;
}

}  // namespace lifeboat::server

#include "server/dashboard_assets.h"

#include <fmt/format.h>

namespace lifeboat::server {
namespace {

void add_strict_headers(HttpResponse& res) {
  res.headers.emplace_back("Content-Security-Policy", std::string(kDashboardCsp));
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  res.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

// An If-None-Match field is "*" or a comma-separated list of entity tags, each maybe weak.
bool etag_matches(std::string_view field, std::string_view etag) {
  std::size_t pos = 0;
  while (pos < field.size()) {
    std::size_t comma = field.find(',', pos);
    std::string_view tag = field.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

const DashboardAsset* find_dashboard_asset(std::string_view path) {
  for (const DashboardAsset& asset : dashboard_assets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

bool is_dashboard_path(std::string_view path) { return path == "/" || path.starts_with("/ui/"); }

HttpResponse dashboard_response(std::string_view method, std::string_view path,
                                const std::optional<std::string>& if_none_match) {
  HttpResponse res;
  if (method != "GET") {
    res = problem_response(405, "Method Not Allowed",
                           fmt::format("the dashboard's files are only read: {} {} is not "
                                       "allowed; use GET",
                                       method, path));
    res.headers.emplace_back("Allow", "GET");
  } else if (const DashboardAsset* asset = find_dashboard_asset(path)) {
    // no-cache: the browser keeps a copy but asks each time (a 304 when the ETag still
    // matches), so a daemon upgrade never leaves a tab running old scripts.
    res.headers.emplace_back("Cache-Control", "no-cache");
    res.headers.emplace_back("ETag", std::string(asset->etag));
    if (if_none_match && etag_matches(*if_none_match, asset->etag)) {
      res.status = 304;
    } else {
      res.status = 200;
      res.content_type = std::string(asset->content_type);
      res.body = std::string(asset->body);
    }
  } else {
    res = problem_response(
        404, "Not Found",
        fmt::format("the dashboard has no file {}; open / for the dashboard", path));
  }
  if (res.status != 200 && res.status != 304) res.headers.emplace_back("Cache-Control", "no-store");
  add_strict_headers(res);
  return res;
}

}  // namespace lifeboat::server

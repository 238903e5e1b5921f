// The web dashboard's static files (README "Dashboard", docs/security.md "The dashboard"):
// web/index.html and web/ui/* embedded into the binary at build time by
// cmake/EmbedDashboard.cmake, served by HttpApi at "/" and "/ui/<file>" without a token
// (they hold no data; every figure the pages show comes from the JSON API, which needs it).
//
// A request path is looked up in a fixed table, never mapped onto the file system, so no
// path ("/ui/../x", "/ui/%2e%2e/x") can reach anything but the embedded files. Every
// answer, 404 and 405 included, carries the dashboard's strict headers: the
// Content-Security-Policy (no inline script or style, no eval, nothing from another
// origin), nosniff, no-referrer and the cache policy.
//
// Thread safety: the table is constant; every function may be called from any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/http_router.h"

namespace lifeboat::server {

//! One embedded file.
struct DashboardAsset {
  std::string_view path;          //!< request path: "/" or "/ui/app.js"
  std::string_view content_type;  //!< e.g. "text/javascript; charset=utf-8"
  std::string_view etag;          //!< quoted, from the SHA-256 of the bytes
  std::string_view body;
};

//! Every embedded file (generated: dashboard_asset_table.cpp).
std::span<const DashboardAsset> dashboard_assets();

//! The file served at `path` (the request target's path, still percent-encoded), or null.
const DashboardAsset* find_dashboard_asset(std::string_view path);

//! True for the paths the dashboard owns: "/" and everything under "/ui/".
bool is_dashboard_path(std::string_view path);

//! The answer to `method` on dashboard path `path`: 200 with the file (304 when
//! `if_none_match` names its ETag), 404 for a file that is not embedded, 405 for a method
//! other than GET. Always with the dashboard's strict headers.
HttpResponse dashboard_response(std::string_view method, std::string_view path,
                                const std::optional<std::string>& if_none_match);

//! The Content-Security-Policy every dashboard response carries.
inline constexpr std::string_view kDashboardCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace lifeboat::server

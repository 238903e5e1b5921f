// The web dashboard's files as `lifeboat serve` answers them (README "Dashboard",
// docs/security.md "The dashboard"): served without a token, with the strict headers on
// every answer, only from the embedded table (no path reaches the data dir), and the JSON
// API behind them still needs the token. The pages themselves are driven in a real
// browser by tests/browser/.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/daemon_fixture.h"
#include "support/raw_http.h"

namespace lifeboat::testing {
namespace {

constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class DashboardServingTest : public DaemonFixture {
 protected:
  void SetUp() override {
    DaemonFixture::SetUp();
    start();
  }

  RawResponse get(const std::string& target, const std::string& extra = "") {
    return raw_exchange(daemon_->port(),
                        "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n");
  }

  static void expect_strict_headers(const RawResponse& r, const std::string& what) {
    EXPECT_EQ(r.header("Content-Security-Policy").value_or(""), kCsp) << what;
    EXPECT_EQ(r.header("X-Content-Type-Options").value_or(""), "nosniff") << what;
    EXPECT_EQ(r.header("Referrer-Policy").value_or(""), "no-referrer") << what;
    EXPECT_EQ(r.header("X-Frame-Options").value_or(""), "DENY") << what;
    EXPECT_FALSE(r.header("Set-Cookie").has_value()) << what;
  }
};

TEST_F(DashboardServingTest, PageAndScriptsAreServedWithoutTokenWithStrictHeaders) {
  RawResponse page = get("/");
  ASSERT_EQ(page.status, 200) << page.head << page.body;
  EXPECT_EQ(page.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("Cache-Control").value_or(""), "no-cache");
  expect_strict_headers(page, "GET /");
  EXPECT_NE(page.body.find(R"(<script type="module" src="/ui/app.js">)"), std::string::npos)
      << page.body;
  // The CSP forbids inline code; the page must not depend on any.
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_EQ(page.body.find("style="), std::string::npos);
  EXPECT_EQ(page.body.find("<style"), std::string::npos);

  for (const auto& [path, type] : std::vector<std::pair<std::string, std::string>>{
           {"/ui/app.js", "text/javascript; charset=utf-8"},
           {"/ui/graph.js", "text/javascript; charset=utf-8"},
           {"/ui/app.css", "text/css; charset=utf-8"},
           {"/ui/icon.svg", "image/svg+xml"}}) {
    RawResponse r = get(path + "?v=1");
    EXPECT_EQ(r.status, 200) << path << "\n" << r.head;
    EXPECT_EQ(r.header("Content-Type").value_or(""), type) << path;
    EXPECT_FALSE(r.body.empty()) << path;
    expect_strict_headers(r, path);
  }
}

TEST_F(DashboardServingTest, UnchangedFileIsAnswered304ForItsETag) {
  RawResponse first = get("/ui/app.js");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.header("ETag").value_or("");
  ASSERT_EQ(etag.size(), 34u) << first.head;  // a quoted 32-hex-digit tag
  RawResponse again = get("/ui/app.js", "If-None-Match: W/\"x\", " + etag + "\r\n");
  EXPECT_EQ(again.status, 304) << again.head;
  EXPECT_TRUE(again.body.empty());
  expect_strict_headers(again, "304");
  RawResponse other = get("/ui/app.js", "If-None-Match: \"0123\"\r\n");
  EXPECT_EQ(other.status, 200);
}

// A table lookup, never a file-system path: nothing outside the embedded files is reached,
// whatever the path spells, and the refusals carry the same headers.
TEST_F(DashboardServingTest, PathsOutsideTheTableAre404AndReachNothing) {
  const std::string token = daemon_->token();
  for (const std::string target :
       {"/ui/", "/ui/nope.js", "/ui/../api-token", "/ui/../../etc/passwd", "/ui/%2e%2e/api-token",
        "/ui/..%2f..%2fapi-token", "/ui//etc/passwd", "/ui/app.js/", "/ui/app.js%00", "/ui/APP.JS",
        "/ui/../v1/profiles", "/ui/index.html", "/index.html"}) {
    RawResponse r = get(target);
    EXPECT_TRUE(r.status == 404 || r.status == 400 || r.status == 401)
        << target << " answered " << r.status << "\n"
        << r.body;
    EXPECT_EQ(r.body.find(token), std::string::npos) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    if (r.status == 404) {
      expect_strict_headers(r, target);
      EXPECT_EQ(r.header("Content-Type").value_or(""), "application/problem+json") << target;
    }
  }
}

TEST_F(DashboardServingTest, OnlyGetIsAnsweredAndTheApiStillNeedsTheToken) {
  RawResponse post = raw_exchange(
      daemon_->port(), "POST /ui/app.js HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.status, 401) << "a write to the dashboard's paths needs the token like any other";
  auto with_token = daemon_->request("DELETE", "/");
  EXPECT_EQ(with_token.status, 405) << with_token.body;
  // The page is public; the data is not.
  EXPECT_EQ(get("/v1/profiles").status, 401);
  EXPECT_EQ(get("/v1/executions").status, 401);
  EXPECT_EQ(daemon_->request_anonymous("GET", "/").status, 200);
}

}  // namespace
}  // namespace lifeboat::testing

#include "server/http_router.h"

#include <gtest/gtest.h>

namespace lifeboat::server {
namespace {

HttpRouter::Handler answer(int status) {
  return [status](const HttpRequest&) { return HttpResponse{status, "text/plain", "", {}}; };
}

HttpRouter make_router() {
  HttpRouter router;
  router.add("GET", "/healthz", answer(200));
  router.add("GET", "/v1/profiles", answer(201));
  router.add("GET", "/v1/profiles/{domain}/{kind}/{name}", answer(202));
  router.add("POST", "/v1/profiles/{domain}/{kind}/{name}/replication", answer(203));
  return router;
}

int status_of(const HttpRouter::Match& m) {
  return m.handler == nullptr ? 404 : (*m.handler)(m.request).status;
}

TEST(PercentDecode, DecodesEscapesAndKeepsOtherBytes) {
  EXPECT_EQ(*percent_decode("a%20b%2Fc%c3%a9", false, "x"), "a b/c\xc3\xa9");
  EXPECT_EQ(*percent_decode("a+b", false, "x"), "a+b");
  EXPECT_EQ(*percent_decode("a+b%2B", true, "x"), "a b+");
  EXPECT_EQ(*percent_decode("", true, "x"), "");
}

TEST(PercentDecode, RefusesBadEscapesNamingWhereAndOffset) {
  for (const char* bad : {"%", "%4", "abc%zz", "%g0", "x%0"}) {
    auto r = percent_decode(bad, false, "the request path");
    ASSERT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(r.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("the request path"), std::string::npos);
    EXPECT_NE(r.status().message().find("offset"), std::string::npos);
  }
  auto nul = percent_decode("a%00b", false, "name");
  ASSERT_FALSE(nul.is_ok());
  EXPECT_NE(nul.status().message().find("NUL"), std::string::npos);
}

TEST(HttpRouter, MatchesMethodAndSegments) {
  HttpRouter router = make_router();
  EXPECT_EQ(status_of(*router.match("GET", "/healthz")), 200);
  EXPECT_EQ(status_of(*router.match("GET", "/v1/profiles")), 201);
  EXPECT_EQ(status_of(*router.match("GET", "/v1/profiles/d/user/u")), 202);
  EXPECT_EQ(status_of(*router.match("POST", "/v1/profiles/d/user/u/replication")), 203);
  // Wrong method, extra or missing segments, empty placeholder, trailing slash.
  EXPECT_EQ(status_of(*router.match("POST", "/healthz")), 404);
  EXPECT_EQ(status_of(*router.match("GET", "/v1/profiles/d/user")), 404);
  EXPECT_EQ(status_of(*router.match("GET", "/v1/profiles/d//u")), 404);
  EXPECT_EQ(status_of(*router.match("GET", "/v1/profiles/")), 404);
  EXPECT_EQ(status_of(*router.match("GET", "healthz")), 404);
  EXPECT_EQ(status_of(*router.match("GET", "")), 404);
}

TEST(HttpRouter, DecodesParamsAfterSplittingSoAnEscapedSlashStaysInItsSegment) {
  HttpRouter router = make_router();
  auto m = router.match("GET", "/v1/profiles/my%20domain/user/a%2Fb");
  ASSERT_TRUE(m.is_ok());
  ASSERT_NE(m->handler, nullptr);
  EXPECT_EQ(m->request.params, (std::vector<std::string>{"my domain", "user", "a/b"}));
  // "%2F" does not turn a profile lookup into the replication route.
  auto other = router.match("POST", "/v1/profiles/d/user/u%2Freplication");
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ(other->handler, nullptr);
}

TEST(HttpRouter, ParsesQueryKeepingTheFirstOfRepeatedKeys) {
  HttpRouter router = make_router();
  auto m = router.match("GET", "/v1/profiles?domain=a+b%21&flag&domain=second&=x&&");
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->request.path, "/v1/profiles");
  EXPECT_EQ(m->request.query.at("domain"), "a b!");
  EXPECT_EQ(m->request.query.at("flag"), "");
  EXPECT_EQ(status_of(*m), 201);
}

TEST(HttpRouter, BadEscapeInPathOrQueryIsInvalidArgument) {
  HttpRouter router = make_router();
  auto in_path = router.match("GET", "/v1/profiles/d%zz/user/u");
  ASSERT_FALSE(in_path.is_ok());
  EXPECT_EQ(in_path.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(in_path.status().message().find("path"), std::string::npos);
  auto in_query = router.match("GET", "/v1/profiles?domain=%4");
  ASSERT_FALSE(in_query.is_ok());
  EXPECT_NE(in_query.status().message().find("'domain'"), std::string::npos);
}

TEST(HttpRouter, RefusesMalformedPatterns) {
  HttpRouter router;
  EXPECT_THROW(router.add("GET", "no-slash", answer(200)), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a//b", answer(200)), std::invalid_argument);
}

TEST(HttpRouter, AMatchNamesItsRoutePatternNeverThePath) {
  HttpRouter router;
  router.add("GET", "/v1/profiles/{domain}/{kind}/{name}",
             [](const HttpRequest&) { return HttpResponse{}; });
  auto m = router.match("GET", "/v1/profiles/d/user/someone%20secret?x=1");
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->route, "GET /v1/profiles/{domain}/{kind}/{name}");
  auto none = router.match("GET", "/v1/nothing");
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->handler, nullptr);
  EXPECT_EQ(none->route, "");
}

}  // namespace
}  // namespace lifeboat::server

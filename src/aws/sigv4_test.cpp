// SigV4: the pieces of the canonical request, and a cross-check of whole signatures with
// botocore's SigV4Auth (tests/fakes/botocore_sign.py) at a fixed time.
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include "aws/testing/fake_process.h"
#include "core/json.h"
#include "core/time_format.h"

namespace lifeboat::aws {
namespace {

core::Clock::WallTime at(const char* rfc3339) { return *core::parse_rfc3339(rfc3339); }

TEST(SigV4, UriEncodingKeepsOnlyUnreservedBytes) {
  EXPECT_EQ(uri_encode("a-b_c.d~e", false), "a-b_c.d~e");
  EXPECT_EQ(uri_encode("a b/c+d=e", false), "a%20b%2Fc%2Bd%3De");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri_encode("\xe1\x88\xb4", false), "%E1%88%B4");
}

TEST(SigV4, CanonicalUriNormalisesExceptWhenAskedNotTo) {
  EXPECT_EQ(canonical_uri("", true), "/");
  EXPECT_EQ(canonical_uri("/", true), "/");
  EXPECT_EQ(canonical_uri("//example//", true), "/example/");
  EXPECT_EQ(canonical_uri("/a/./b/../c", true), "/a/c");
  EXPECT_EQ(canonical_uri("/a/b/../..", true), "/");
  EXPECT_EQ(canonical_uri("/./", false), "/./");
  // Every service but S3 encodes the path once more: an escape is escaped again.
  EXPECT_EQ(canonical_uri("/a%20b", true), "/a%2520b");
}

TEST(SigV4, CanonicalQuerySortsAndReencodes) {
  EXPECT_EQ(canonical_query(""), "");
  EXPECT_EQ(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
  EXPECT_EQ(canonical_query("k"), "k=");
  EXPECT_EQ(canonical_query("x=a%20b&y=a+b"), "x=a%20b&y=a%2Bb");
  EXPECT_EQ(canonical_query("%zz=1"), "%25zz=1");
}

TEST(SigV4, HeaderValuesAreTrimmedAndInnerRunsCollapsed) {
  EXPECT_EQ(canonical_header_value("  a   b\t\tc  "), "a b c");
  EXPECT_EQ(canonical_header_value("value1\n  value2"), "value1 value2");
  EXPECT_EQ(canonical_header_value(""), "");
}

TEST(SigV4, AmzDateIsUtcBasicFormat) {
  EXPECT_EQ(format_amz_date(at("2015-08-30T12:36:00Z")), "20150830T123600Z");
}

TEST(SigV4, TemporaryCredentialsAddAndSignTheSecurityToken) {
  SigningRequest req;
  req.method = "GET";
  req.headers = {{"Host", "example.amazonaws.com"}};
  Credentials creds{"AKIDEXAMPLE", "secret", "the-token", std::nullopt, "test"};
  SigningParams params{"us-east-1", "service", at("2015-08-30T12:36:00Z")};
  SigningResult signed_req = sign_request(req, creds, params);
  EXPECT_EQ(signed_req.signed_headers, "host;x-amz-date;x-amz-security-token");
  bool has_token = false;
  for (const auto& [name, value] : signed_req.headers_to_add) {
    if (name == "X-Amz-Security-Token") has_token = value == "the-token";
  }
  EXPECT_TRUE(has_token);
  EXPECT_EQ(signed_req.headers_to_add.back().first, "Authorization");

  params.sign_session_token = false;
  EXPECT_EQ(sign_request(req, creds, params).signed_headers, "host;x-amz-date");
  params.add_content_sha256 = true;
  EXPECT_EQ(sign_request(req, creds, params).signed_headers,
            "host;x-amz-content-sha256;x-amz-date");
}

// One request signed by this code and by botocore must carry the same Authorization.
void expect_same_as_botocore(const SigningRequest& req, const Credentials& creds,
                             const SigningParams& params, const std::string& url) {
  SigningResult ours = sign_request(req, creds, params);
  core::Json input = {{"method", req.method},
                      {"url", url},
                      {"headers", core::Json::array()},
                      {"body", req.body},
                      {"region", params.region},
                      {"service", params.service},
                      {"access_key", creds.access_key_id},
                      {"secret_key", creds.secret_access_key},
                      {"token", creds.session_token},
                      {"amz_date", ours.amz_date}};
  for (const auto& [name, value] : req.headers) input["headers"].push_back({name, value});
  testing::TempDir dir;
  std::string file = dir.write("request.json", input.dump());
  std::string out = ::lifeboat::testing::run_process(
                        {testing::python(), testing::fakes_dir() + "/botocore_sign.py", file})
                        .out;
  ASSERT_FALSE(out.empty()) << "botocore_sign.py printed nothing (is botocore installed for "
                            << testing::python() << "?)";
  std::string botocore_auth = out.substr(0, out.find('\n'));
  EXPECT_EQ(ours.authorization, botocore_auth) << "our canonical request:\n"
                                               << ours.canonical_request;
}

TEST(SigV4, SageMakerJsonRequestSignsExactlyAsBotocoreDoes) {
  SigningRequest req;
  req.method = "POST";
  req.path = "/";
  req.headers = {{"Host", "api.sagemaker.eu-west-1.amazonaws.com"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "SageMaker.DescribeUserProfile"}};
  req.body = R"({"DomainId":"d-abc123","UserProfileName":"alice"})";
  Credentials creds{"ASIAEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                    "FwoGZXIvYXdzEXAMPLE//////////token+with/odd=chars", std::nullopt, "test"};
  SigningParams params{"eu-west-1", "sagemaker", at("2026-03-04T05:06:07Z")};
  expect_same_as_botocore(req, creds, params, "https://api.sagemaker.eu-west-1.amazonaws.com/");
}

TEST(SigV4, QueryAndOddHeadersSignAsBotocoreDoes) {
  SigningRequest req;
  req.method = "GET";
  req.path = "/some/path";
  req.query = "b=2&a=x%20y&c=";
  req.headers = {{"Host", "example.amazonaws.com"}, {"My-Header", "  a   b  "}};
  Credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt,
                    "test"};
  SigningParams params{"cn-north-1", "service", at("2015-08-30T12:36:00Z")};
  expect_same_as_botocore(req, creds, params,
                          "https://example.amazonaws.com/some/path?b=2&a=x%20y&c=");
}

}  // namespace
}  // namespace lifeboat::aws

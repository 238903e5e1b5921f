// AWS's SigV4 test suite, header form: for every case folder the canonical request, the
// string to sign and the signature must equal AWS's expected files.
//
// The suite's files are AWS's data (Apache-2.0) and are not kept in this repository: the
// test reads them from LIFEBOAT_SIGV4_SUITE_DIR (CMake cache variable; default
// ../shared/aws-sigv4-testsuite/v4 beside the source tree), laid out as in AWS's
// aws-signing-test-suite/v4: one folder per case holding context.json, request.txt,
// header-canonical-request.txt, header-string-to-sign.txt and header-signature.txt.
// Without that folder the test is skipped and says so; sigv4_test.cpp's botocore
// cross-check covers signing meanwhile.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "aws/sigv4.h"
#include "core/json.h"
#include "core/time_format.h"

namespace lifeboat::aws {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// request.txt: "METHOD PATH[?QUERY] HTTP/1.1", header lines "Name:value" (a line starting
// with whitespace continues the previous value), a blank line, then the body.
SigningRequest parse_request_file(const std::string& text) {
  SigningRequest req;
  std::size_t line_end = text.find('\n');
  std::string request_line = text.substr(0, line_end);
  std::size_t sp1 = request_line.find(' ');
  std::size_t sp2 = request_line.rfind(' ');
  req.method = request_line.substr(0, sp1);
  std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t q = target.find('?');
  req.path = target.substr(0, q);
  if (q != std::string::npos) req.query = target.substr(q + 1);
  std::size_t pos = line_end == std::string::npos ? text.size() : line_end + 1;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    std::string line = text.substr(pos, end == std::string::npos ? end : end - pos);
    pos = end == std::string::npos ? text.size() : end + 1;
    if (line.empty()) {
      req.body = text.substr(pos);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !req.headers.empty()) {
      req.headers.back().second += " " + line;
      continue;
    }
    std::size_t colon = line.find(':');
    req.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  return req;
}

TEST(SigV4Suite, EveryCaseMatchesAwsExpectedTexts) {
  fs::path dir(LIFEBOAT_SIGV4_SUITE_DIR);
  if (!fs::is_directory(dir)) {
    GTEST_SKIP() << "AWS's SigV4 test suite is not at " << dir
                 << " (set the CMake variable LIFEBOAT_SIGV4_SUITE_DIR)";
  }
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& c = entry.path();
    if (!fs::exists(c / "header-signature.txt")) continue;
    SCOPED_TRACE(c.filename().string());
    auto context = core::parse_json(slurp(c / "context.json"), "context.json");
    ASSERT_TRUE(context.is_ok()) << context.status().to_string();
    const core::Json& ctx = *context;
    Credentials creds;
    creds.access_key_id = ctx["credentials"]["access_key_id"].get<std::string>();
    creds.secret_access_key = ctx["credentials"]["secret_access_key"].get<std::string>();
    if (ctx["credentials"].contains("token")) {
      creds.session_token = ctx["credentials"]["token"].get<std::string>();
    }
    SigningParams params;
    params.region = ctx["region"].get<std::string>();
    params.service = ctx["service"].get<std::string>();
    auto when = core::parse_rfc3339(ctx["timestamp"].get<std::string>());
    ASSERT_TRUE(when.is_ok());
    params.time = *when;
    params.normalize_path = ctx.value("normalize", true);
    params.add_content_sha256 = ctx.value("sign_body", false);
    params.sign_session_token = !ctx.value("omit_session_token", false);

    SigningRequest req = parse_request_file(slurp(c / "request.txt"));
    SigningResult result = sign_request(req, creds, params);
    EXPECT_EQ(result.canonical_request, slurp(c / "header-canonical-request.txt"));
    EXPECT_EQ(result.string_to_sign, slurp(c / "header-string-to-sign.txt"));
    EXPECT_EQ(result.signature, slurp(c / "header-signature.txt"));
    ++cases;
  }
  EXPECT_GE(cases, 12) << "too few cases found in " << dir;
}

}  // namespace
}  // namespace lifeboat::aws

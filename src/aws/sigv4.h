// AWS Signature Version 4, header form (AWS4-HMAC-SHA256 in the Authorization header).
//
// sign_request() follows AWS's published algorithm: canonical request (method, normalised
// and URI-encoded path, sorted query, lower-cased sorted headers with trimmed values,
// signed-header list, payload hash), string to sign, the derived signing key and the
// Authorization header. The intermediate texts are returned so tests can compare them with
// AWS's test suite. Everything here is a pure function of its arguments: thread safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "core/clock.h"

namespace lifeboat::aws {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

//! The parts of an HTTP request that SigV4 covers.
struct SigningRequest {
  std::string method;  //!< "POST"
  //! The path as in the request line, without the query: "/". Like every AWS service but
  //! S3, it is URI-encoded once more when signed (a '%' in it becomes "%25").
  std::string path = "/";
  std::string query;   //!< after '?', as sent (may hold %XX escapes); empty for none
  HeaderList headers;  //!< every header to sign, Host included; names in any case
  std::string body;
};

struct SigningParams {
  std::string region;   //!< "us-east-1"
  std::string service;  //!< signing name: "sagemaker"
  core::Clock::WallTime time;
  //! Remove "." and ".." segments and repeated slashes from the path before encoding
  //! (every service but S3).
  bool normalize_path = true;
  //! Add and sign X-Amz-Content-Sha256 (S3 needs it; SageMaker does not).
  bool add_content_sha256 = false;
  //! Sign X-Amz-Security-Token (the normal case); false adds it after signing, as a few
  //! services want.
  bool sign_session_token = true;
};

struct SigningResult {
  std::string amz_date;           //!< "20150830T123600Z"
  std::string scope;              //!< "20150830/us-east-1/service/aws4_request"
  std::string canonical_request;  //!< exposed for tests; holds the session token if signed
  std::string string_to_sign;
  std::string signed_headers;  //!< "host;x-amz-date"
  std::string signature;       //!< lower-case hex
  std::string authorization;   //!< the Authorization header's value
  //! Headers to add to the request as sent: X-Amz-Date, X-Amz-Content-Sha256 and
  //! X-Amz-Security-Token where used, then Authorization.
  HeaderList headers_to_add;
};

//! Signs `request` with `credentials` (a session token is added when they are temporary).
SigningResult sign_request(const SigningRequest& request, const Credentials& credentials,
                           const SigningParams& params);

//! "YYYYMMDDTHHMMSSZ" in UTC.
std::string format_amz_date(core::Clock::WallTime time);

//! AWS's URI encoding: every byte but A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex);
//! '/' is kept when `keep_slash`.
std::string uri_encode(std::string_view text, bool keep_slash);

//! The canonical URI of `path`: normalised when `normalize`, then URI-encoded ('/' kept).
std::string canonical_uri(std::string_view path, bool normalize);

//! The canonical query string: each name and value percent-decoded and re-encoded, pairs
//! sorted by name then value, joined with '&'.
std::string canonical_query(std::string_view query);

//! A header value as SigV4 signs it: leading and trailing whitespace removed, inner runs
//! of spaces and tabs (and line folds) collapsed to one space.
std::string canonical_header_value(std::string_view value);

}  // namespace lifeboat::aws

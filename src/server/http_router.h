// HttpRouter: maps a method and a request target ("/v1/profiles/a%20b?domain=x") to the
// handler registered for it, with the decoded path parameters and query parameters.
//
// Patterns are literal segments and `{name}` placeholders ("/v1/executions/{id}"); a
// placeholder matches exactly one non-empty segment. The path is split on '/' *before*
// segments are percent-decoded, so "%2F" inside a name stays inside that one segment and
// can never make a request reach another route. Query components are decoded the same way
// and '+' in them means a space (form encoding). A malformed escape ("%", "%4", "%zz") or
// an escaped NUL is an InvalidArgument naming the part of the target and the offset; the
// API answers it with 400.
//
// Routes are added at start-up and only read afterwards: match() is safe to call from any
// number of threads once adding is done.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace lifeboat::server {

//! A request as the handlers see it: method, decoded path parameters and query, body.
struct HttpRequest {
  std::string method;
  std::string path;                          //!< the target before '?', still encoded
  std::vector<std::string> params;           //!< decoded `{name}` segments, in order
  std::map<std::string, std::string> query;  //!< decoded; the first of repeated keys wins
  std::string body;
};

//! What a handler answers.
struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  //!< extra header fields
};

//! An RFC 7807 problem (application/problem+json); `detail` names what is at fault.
//! Text that is not UTF-8 is replaced, never refused: an error about bad input can echo it.
HttpResponse problem_response(int status, std::string_view title, std::string_view detail);

//! Decodes the %XX escapes of one path segment or query component. `plus_is_space` turns
//! '+' into ' ' (query components). `where` names the part in the error message.
core::Result<std::string> percent_decode(std::string_view text, bool plus_is_space,
                                         std::string_view where);

class HttpRouter {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  //! Registers `handler` for `method` and `pattern` (e.g. "/v1/profiles/{domain}").
  void add(std::string method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  //!< null: no route for this method and path
    //! The route's method and pattern ("GET /v1/executions/{id}"), never the raw path (a
    //! metric label); empty when no route matched.
    std::string_view route;
    HttpRequest request;  //!< method, path, params and query filled in
  };

  //! Finds the route for `method` and `target` (origin form: path[?query]). InvalidArgument
  //! for a bad escape; a Match without a handler when nothing is registered for it.
  core::Result<Match> match(std::string_view method, std::string_view target) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "" marks a placeholder
    Handler handler;
    std::string name;  // "METHOD /pattern"
  };
  std::vector<Route> routes_;
};

}  // namespace lifeboat::server

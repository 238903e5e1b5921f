#include "aws/sigv4.h"

#include <algorithm>
#include <ctime>
#include <map>

#include <fmt/format.h>

#include "aws/crypto.h"

namespace lifeboat::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A '%' not followed by two hex digits is kept as it is: it is then encoded as "%25",
// which is what a server decoding leniently would also see.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

// RFC 3986 section 5.2.4 on the segments, plus the removal of empty segments that AWS's
// normalisation does ("//a//" signs as "/a/").
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  bool trailing_slash = false;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view segment = path.substr(pos, end - pos);
    bool last = slash == std::string_view::npos;
    if (segment == "..") {
      if (!out.empty()) out.pop_back();
      trailing_slash = last;
    } else if (segment == ".") {
      trailing_slash = last;
    } else if (!segment.empty()) {
      out.push_back(segment);
      trailing_slash = false;
    } else {
      trailing_slash = true;
    }
    if (last) break;
    pos = slash + 1;
  }
  std::string result;
  for (std::string_view segment : out) {
    result += '/';
    result += segment;
  }
  if (result.empty() || trailing_slash) result += '/';
  return result;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string canonical_uri(std::string_view path, bool normalize) {
  if (path.empty()) return "/";
  return uri_encode(normalize ? normalize_path(path) : std::string(path), true);
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    std::size_t end = amp == std::string_view::npos ? query.size() : amp;
    std::string_view param = query.substr(pos, end - pos);
    if (!param.empty()) {
      std::size_t eq = param.find('=');
      std::string_view name = param.substr(0, eq);
      std::string_view value = eq == std::string_view::npos ? "" : param.substr(eq + 1);
      params.emplace_back(uri_encode(percent_decode(name), false),
                          uri_encode(percent_decode(value), false));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string format_amz_date(core::Clock::WallTime time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

SigningResult sign_request(const SigningRequest& request, const Credentials& credentials,
                           const SigningParams& params) {
  SigningResult result;
  result.amz_date = format_amz_date(params.time);
  std::string date = result.amz_date.substr(0, 8);
  result.scope = fmt::format("{}/{}/{}/aws4_request", date, params.region, params.service);
  std::string payload_hash = sha256_hex(request.body);

  // Headers added by signing come first in headers_to_add, Authorization last.
  result.headers_to_add.emplace_back("X-Amz-Date", result.amz_date);
  if (params.add_content_sha256) {
    result.headers_to_add.emplace_back("X-Amz-Content-Sha256", payload_hash);
  }
  bool token_signed = credentials.temporary() && params.sign_session_token;
  if (token_signed) {
    result.headers_to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  // Values of a repeated header are joined with ',' in the order they appear.
  std::map<std::string, std::string> canonical_headers;
  auto add_header = [&](std::string_view name, std::string_view value) {
    std::string key = lower(name);
    std::string canon = canonical_header_value(value);
    auto [it, inserted] = canonical_headers.emplace(key, canon);
    if (!inserted) {
      it->second += ',';
      it->second += canon;
    }
  };
  for (const auto& [name, value] : request.headers) add_header(name, value);
  for (const auto& [name, value] : result.headers_to_add) add_header(name, value);

  std::string header_block;
  for (const auto& [name, value] : canonical_headers) {
    header_block += fmt::format("{}:{}\n", name, value);
    if (!result.signed_headers.empty()) result.signed_headers += ';';
    result.signed_headers += name;
  }

  result.canonical_request = fmt::format(
      "{}\n{}\n{}\n{}\n{}\n{}", request.method, canonical_uri(request.path, params.normalize_path),
      canonical_query(request.query), header_block, result.signed_headers, payload_hash);
  result.string_to_sign = fmt::format("{}\n{}\n{}\n{}", kAlgorithm, result.amz_date, result.scope,
                                      sha256_hex(result.canonical_request));

  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key, date);
  key = hmac_sha256(key, params.region);
  key = hmac_sha256(key, params.service);
  key = hmac_sha256(key, "aws4_request");
  result.signature = hex_encode(hmac_sha256(key, result.string_to_sign));
  result.authorization =
      fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                  credentials.access_key_id, result.scope, result.signed_headers, result.signature);

  if (credentials.temporary() && !params.sign_session_token) {
    result.headers_to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  result.headers_to_add.emplace_back("Authorization", result.authorization);
  return result;
}

}  // namespace lifeboat::aws

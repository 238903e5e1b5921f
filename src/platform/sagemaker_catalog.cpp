#include "platform/sagemaker_catalog.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <set>

#include "core/profile_event.h"
#include "core/time_format.h"

namespace lifeboat::platform {
namespace {

using core::Json;
using core::Result;
using core::Status;

// SageMaker's largest page; one page per 100 profiles is what a reconcile pass costs.
constexpr int kPageSize = 100;
// A listing that pages on past this is not a listing (a misbehaving endpoint).
constexpr int kMaxPages = 100000;

// SageMaker's timestamps are epoch seconds with a fraction; kept as RFC 3339 with
// milliseconds, so the same instant always reads as the same text.
std::string timestamp(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return "";
  const double seconds = it->get<double>();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 7258118400.0) return "";  // ≤ 2200
  const auto ms = std::chrono::milliseconds(std::llround(seconds * 1000));
  return core::format_rfc3339(core::Clock::WallTime(ms));
}

std::string text(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "Gone": SageMaker answers a Describe of a deleted thing with ResourceNotFound, and
// sometimes with ValidationException ("... does not exist").
bool is_gone(const Status& st) {
  return st.code() == core::StatusCode::kNotFound ||
         (st.code() == core::StatusCode::kInvalidArgument &&
          st.message().find("does not exist") != std::string::npos);
}

std::string_view name_key(core::ProfileKind kind) {
  return kind == core::ProfileKind::kUser ? "UserProfileName" : "SpaceName";
}

PlatformProfile profile_from(const Json& obj, core::ProfileKind kind) {
  PlatformProfile p;
  p.domain_id = text(obj, "DomainId");
  p.kind = kind;
  p.name = text(obj, name_key(kind));
  p.status = text(obj, "Status");
  p.created_at = timestamp(obj, "CreationTime");
  // HomeEfsFileSystemUid is a string of digits in the model; accept a number too.
  if (auto it = obj.find("HomeEfsFileSystemUid"); it != obj.end()) {
    if (it->is_string() && !it->get<std::string>().empty()) {
      p.home_dir = it->get<std::string>();
    } else if (it->is_number_unsigned()) {
      p.home_dir = std::to_string(it->get<std::uint64_t>());
    }
  }
  return p;
}

}  // namespace

std::string_view SageMakerCatalog::source() const { return core::kSageMakerSource; }

Status SageMakerCatalog::for_each_page(std::string_view operation, Json request,
                                       const std::function<Status(const Json&)>& each) {
  request["MaxResults"] = kPageSize;
  std::set<std::string> tokens_seen;
  for (int page = 0; page < kMaxPages; ++page) {
    LIFEBOAT_ASSIGN_OR_RETURN(Json response, client_->call(operation, request));
    if (!response.is_object()) {
      return Status::io_error(
          fmt::format("SageMaker {}: the answer is not a JSON object", operation));
    }
    LIFEBOAT_RETURN_IF_ERROR(each(response));
    const std::string next = text(response, "NextToken");
    if (next.empty()) return Status::ok();
    if (!tokens_seen.insert(next).second) {
      return Status::io_error(fmt::format(
          "SageMaker {}: the endpoint handed out the same NextToken twice; stopping", operation));
    }
    request["NextToken"] = next;
  }
  return Status::io_error(
      fmt::format("SageMaker {}: more than {} pages; stopping", operation, kMaxPages));
}

Result<std::vector<PlatformDomain>> SageMakerCatalog::list_domains() {
  std::vector<PlatformDomain> out;
  LIFEBOAT_RETURN_IF_ERROR(
      for_each_page("ListDomains", Json::object(), [&](const Json& page) -> Status {
        for (const Json& d : page.value("Domains", Json::array())) {
          if (!d.is_object()) continue;
          out.push_back({text(d, "DomainId"), text(d, "DomainName"), text(d, "Status"), "",
                         timestamp(d, "CreationTime")});
        }
        return Status::ok();
      }));
  return out;
}

Result<std::optional<PlatformDomain>> SageMakerCatalog::describe_domain(std::string_view id) {
  auto response = client_->call("DescribeDomain", Json{{"DomainId", id}});
  if (!response.is_ok()) {
    if (is_gone(response.status())) return std::optional<PlatformDomain>{};
    return response.status();
  }
  const Json& d = *response;
  return std::optional<PlatformDomain>{
      PlatformDomain{text(d, "DomainId"), text(d, "DomainName"), text(d, "Status"),
                     text(d, "HomeEfsFileSystemId"), timestamp(d, "CreationTime")}};
}

Result<std::vector<PlatformProfile>> SageMakerCatalog::list_profiles(std::string_view domain_id) {
  std::vector<PlatformProfile> out;
  struct Listing {
    const char* operation;
    const char* key;
    core::ProfileKind kind;
  };
  for (const Listing& listing :
       {Listing{"ListUserProfiles", "UserProfiles", core::ProfileKind::kUser},
        Listing{"ListSpaces", "Spaces", core::ProfileKind::kSpace}}) {
    LIFEBOAT_RETURN_IF_ERROR(for_each_page(
        listing.operation, Json{{"DomainIdEquals", domain_id}}, [&](const Json& page) -> Status {
          for (const Json& p : page.value(listing.key, Json::array())) {
            if (!p.is_object()) continue;
            PlatformProfile profile = profile_from(p, listing.kind);
            profile.home_dir.reset();  // a listing never says; only Describe does
            if (profile.domain_id.empty()) profile.domain_id = std::string(domain_id);
            out.push_back(std::move(profile));
          }
          return Status::ok();
        }));
  }
  return out;
}

Result<std::optional<PlatformProfile>> SageMakerCatalog::describe_profile(
    std::string_view domain_id, core::ProfileKind kind, std::string_view name) {
  const bool user = kind == core::ProfileKind::kUser;
  auto response = client_->call(user ? "DescribeUserProfile" : "DescribeSpace",
                                Json{{"DomainId", domain_id}, {name_key(kind), name}});
  if (!response.is_ok()) {
    if (is_gone(response.status())) return std::optional<PlatformProfile>{};
    return response.status();
  }
  PlatformProfile p = profile_from(*response, kind);
  if (p.domain_id.empty()) p.domain_id = std::string(domain_id);
  if (p.name.empty()) p.name = std::string(name);
  return std::optional<PlatformProfile>{std::move(p)};
}

}  // namespace lifeboat::platform

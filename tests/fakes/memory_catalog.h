// MemoryCatalog — a FAKE of SageMaker's catalog (platform::PlatformCatalog), in memory,
// for the unit tests of enrichment and reconciling (src/sync/). SageMaker cannot run on
// this machine; the daemon-level tests use the HTTP fake (fake_sagemaker.py) through the
// real AWS client instead. This one answers from maps the test fills, counts the calls it
// gets, and can be told to fail. It imitates only what the catalog interface exposes:
// lists carry no home, Describe of a missing thing is nullopt.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
#include <vector>

#include "core/status.h"
#include "platform/platform_catalog.h"

namespace lifeboat::testing {

class MemoryCatalog final : public platform::PlatformCatalog {
 public:
  std::map<std::string, platform::PlatformDomain> domains;  // by id
  std::map<std::tuple<std::string, core::ProfileKind, std::string>, platform::PlatformProfile>
      profiles;  // by (domain id, kind, name)
  int list_calls = 0;
  int describe_calls = 0;
  std::optional<core::Status> fail_with;  // every call fails with this while set

  void put_domain(platform::PlatformDomain d) { domains[d.id] = std::move(d); }
  void put_profile(platform::PlatformProfile p) {
    profiles[{p.domain_id, p.kind, p.name}] = std::move(p);
  }
  void erase_profile(const std::string& domain_id, core::ProfileKind kind,
                     const std::string& name) {
    profiles.erase({domain_id, kind, name});
  }

  std::string_view source() const override { return "aws.sagemaker"; }

  core::Result<std::vector<platform::PlatformDomain>> list_domains() override {
    std::lock_guard lock(mu_);
    ++list_calls;
    if (fail_with) return *fail_with;
    std::vector<platform::PlatformDomain> out;
    for (auto d : domains | std::views::values) {
      d.home_volume_id.clear();  // ListDomains carries no volume
      out.push_back(std::move(d));
    }
    return out;
  }
  core::Result<std::optional<platform::PlatformDomain>> describe_domain(
      std::string_view id) override {
    std::lock_guard lock(mu_);
    ++describe_calls;
    if (fail_with) return *fail_with;
    auto it = domains.find(std::string(id));
    if (it == domains.end()) return std::optional<platform::PlatformDomain>{};
    return std::optional<platform::PlatformDomain>{it->second};
  }
  core::Result<std::vector<platform::PlatformProfile>> list_profiles(
      std::string_view domain_id) override {
    std::lock_guard lock(mu_);
    ++list_calls;
    if (fail_with) return *fail_with;
    std::vector<platform::PlatformProfile> out;
    for (auto p : profiles | std::views::values) {
      if (p.domain_id != domain_id) continue;
      p.home_dir.reset();  // lists carry no uid
      out.push_back(std::move(p));
    }
    return out;
  }
  core::Result<std::optional<platform::PlatformProfile>> describe_profile(
      std::string_view domain_id, core::ProfileKind kind, std::string_view name) override {
    std::lock_guard lock(mu_);
    ++describe_calls;
    if (fail_with) return *fail_with;
    auto it = profiles.find({std::string(domain_id), kind, std::string(name)});
    if (it == profiles.end()) return std::optional<platform::PlatformProfile>{};
    return std::optional<platform::PlatformProfile>{it->second};
  }

 private:
  std::mutex mu_;
};

}  // namespace lifeboat::testing

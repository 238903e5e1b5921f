// The chain's order, what it says when nothing is configured, and the refresh of temporary
// credentials on a fake clock.
#include "aws/credential_chain.h"

#include <gtest/gtest.h>

#include "aws/env_credentials.h"
#include "aws/shared_file_credentials.h"
#include "aws/testing/fake_process.h"
#include "core/fake_clock.h"

namespace lifeboat::aws {
namespace {

using std::chrono::minutes;

// A provider whose answers a test scripts: each load() counts, and returns `next`.
class ScriptedProvider final : public CredentialProvider {
 public:
  explicit ScriptedProvider(std::string name) : name_(std::move(name)) {}
  core::Result<Credentials> load() override {
    ++loads;
    return next;
  }
  std::string name() const override { return name_; }

  int loads = 0;
  core::Result<Credentials> next = core::Status::not_found("scripted: nothing");

 private:
  std::string name_;
};

Credentials temporary(const std::string& key_id, core::Clock::WallTime expires) {
  return Credentials{key_id, "secret-" + key_id, "token-" + key_id, expires, "scripted"};
}

TEST(CredentialChain, EnvironmentBeatsSharedFilesWhichBeatLaterProviders) {
  testing::TempDir dir;
  std::string creds = dir.write(
      "credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n");
  auto shared_env = map_environment({{"AWS_SHARED_CREDENTIALS_FILE", creds}});
  auto shared = std::make_shared<const SharedConfig>(*SharedConfig::load(shared_env, "default"));
  core::FakeClock clock;

  auto build = [&](const Environment& env, ScriptedProvider** later) {
    std::vector<std::unique_ptr<CredentialProvider>> providers;
    providers.push_back(std::make_unique<EnvCredentials>(env));
    providers.push_back(std::make_unique<SharedFileCredentials>(shared, false));
    auto scripted = std::make_unique<ScriptedProvider>("container");
    scripted->next = temporary("AKIDCONTAINER", clock.now() + minutes(60));
    *later = scripted.get();
    providers.push_back(std::move(scripted));
    return std::make_unique<CredentialChain>(std::move(providers), clock);
  };
  ScriptedProvider* later = nullptr;
  auto with_env = build(
      map_environment({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "e"}}), &later);
  EXPECT_EQ(with_env->get()->access_key_id, "AKIDENV");
  EXPECT_EQ(with_env->source(), "environment");
  EXPECT_EQ(later->loads, 0);

  auto without_env = build(map_environment({}), &later);
  EXPECT_EQ(without_env->get()->access_key_id, "AKIDFILE");
  EXPECT_EQ(later->loads, 0);
}

TEST(CredentialChain, NothingConfiguredNamesEveryPlaceLooked) {
  core::FakeClock clock;
  std::vector<std::unique_ptr<CredentialProvider>> providers;
  providers.push_back(std::make_unique<EnvCredentials>(map_environment({})));
  auto a = std::make_unique<ScriptedProvider>("container");
  a->next = core::Status::not_found("container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  providers.push_back(std::move(a));
  CredentialChain chain(std::move(providers), clock);
  auto creds = chain.get();
  ASSERT_FALSE(creds.is_ok());
  EXPECT_EQ(creds.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_NE(creds.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(creds.status().message().find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            std::string::npos);
}

TEST(CredentialChain, AConfiguredButFailingProviderStopsTheChain) {
  core::FakeClock clock;
  std::vector<std::unique_ptr<CredentialProvider>> providers;
  auto broken = std::make_unique<ScriptedProvider>("web identity");
  broken->next = core::Status::permission_denied("STS refused the token");
  providers.push_back(std::move(broken));
  auto later = std::make_unique<ScriptedProvider>("instance metadata");
  later->next = temporary("AKIDLATER", clock.now() + minutes(60));
  ScriptedProvider* later_ptr = later.get();
  providers.push_back(std::move(later));
  CredentialChain chain(std::move(providers), clock);
  auto creds = chain.get();
  EXPECT_EQ(creds.status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_NE(creds.status().message().find("web identity"), std::string::npos);
  EXPECT_EQ(later_ptr->loads, 0);
}

TEST(CredentialChain, RefreshesWithinFiveMinutesOfExpiryAndKeepsValidOnesOnFailure) {
  core::FakeClock clock;
  auto provider = std::make_unique<ScriptedProvider>("web identity");
  ScriptedProvider* p = provider.get();
  p->next = temporary("AKID1", clock.now() + minutes(60));
  std::vector<std::unique_ptr<CredentialProvider>> providers;
  providers.push_back(std::move(provider));
  CredentialChain chain(std::move(providers), clock);

  EXPECT_EQ(chain.get()->access_key_id, "AKID1");
  clock.advance(minutes(54));  // 6 minutes left: cached
  EXPECT_EQ(chain.get()->access_key_id, "AKID1");
  EXPECT_EQ(p->loads, 1);

  clock.advance(minutes(2));  // 4 minutes left: refreshed
  p->next = temporary("AKID2", clock.now() + minutes(60));
  EXPECT_EQ(chain.get()->access_key_id, "AKID2");
  EXPECT_EQ(p->loads, 2);

  // 3 minutes left and the refresh fails: the current ones are still valid, so kept.
  clock.advance(minutes(57));
  p->next = core::Status::unavailable("STS is down");
  EXPECT_EQ(chain.get()->access_key_id, "AKID2");
  EXPECT_EQ(p->loads, 3);
  // Not asked again right away after a failure...
  EXPECT_EQ(chain.get()->access_key_id, "AKID2");
  EXPECT_EQ(p->loads, 3);
  // ...and once they have expired, the failure is the answer.
  clock.advance(minutes(4));
  auto expired = chain.get();
  EXPECT_EQ(expired.status().code(), core::StatusCode::kUnavailable);
  EXPECT_NE(expired.status().message().find("refreshing AWS credentials from web identity"),
            std::string::npos);
}

TEST(CredentialChain, LongTermKeysAreLoadedOnce) {
  core::FakeClock clock;
  auto provider = std::make_unique<ScriptedProvider>("environment");
  ScriptedProvider* p = provider.get();
  p->next = Credentials{"AKID", "s", "", std::nullopt, "environment"};
  std::vector<std::unique_ptr<CredentialProvider>> providers;
  providers.push_back(std::move(provider));
  CredentialChain chain(std::move(providers), clock);
  for (int i = 0; i < 5; ++i) {
    clock.advance(std::chrono::hours(24));
    ASSERT_TRUE(chain.get().is_ok());
  }
  EXPECT_EQ(p->loads, 1);
}

}  // namespace
}  // namespace lifeboat::aws

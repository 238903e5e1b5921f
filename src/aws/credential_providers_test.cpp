// Each network credential provider against its fake (tests/fakes/), alone and in the
// default chain, and that no provider's error repeats a secret.
#include <gtest/gtest.h>

#include "aws/container_credentials.h"
#include "aws/credential_chain.h"
#include "aws/env_credentials.h"
#include "aws/instance_metadata_credentials.h"
#include "aws/shared_file_credentials.h"
#include "aws/testing/fake_process.h"
#include "aws/web_identity_credentials.h"
#include "core/fake_clock.h"
#include "core/json.h"
#include "core/time_format.h"

namespace lifeboat::aws {
namespace {

using testing::FakeProcess;
using testing::TempDir;

constexpr const char* kWebToken = "eyJWEBIDENTITYTOKEN.secret-part.sig";

std::shared_ptr<const SharedConfig> no_shared_files() {
  return std::make_shared<const SharedConfig>(*SharedConfig::from_texts("default", "", ""));
}

core::Json log_entry(const FakeProcess& fake, std::size_t i) {
  auto lines = fake.log_lines();
  if (i >= lines.size()) return core::Json();
  return core::Json::parse(lines[i]);
}

TEST(WebIdentityCredentials, ExchangesTheTokenFileWithSts) {
  FakeProcess sts("fake_sts.py",
                  {"--expected-token", kWebToken, "--expiration", "2026-01-01T01:00:00Z"});
  TempDir dir;
  std::string token_file = dir.write("token", std::string(kWebToken) + "\n");
  core::FakeClock clock;
  auto env = map_environment({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                              {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/lifeboat"},
                              {"AWS_ROLE_SESSION_NAME", "lb-session"},
                              {"AWS_ENDPOINT_URL_STS", sts.url()}});
  WebIdentityCredentials provider(env, no_shared_files(), "us-east-1",
                                  std::make_shared<CurlTransport>(), clock);
  auto creds = provider.load();
  ASSERT_TRUE(creds.is_ok()) << creds.status().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAFAKESTS1");
  EXPECT_EQ(creds->secret_access_key, "sts-secret-key");
  EXPECT_EQ(creds->session_token, "sts-session-token");
  EXPECT_EQ(core::format_rfc3339(*creds->expiration), "2026-01-01T01:00:00.000Z");
  EXPECT_EQ(creds->source, "web identity");
  core::Json request = log_entry(sts, 0);
  EXPECT_EQ(request["action"], "AssumeRoleWithWebIdentity");
  EXPECT_EQ(request["session_name"], "lb-session");
  EXPECT_EQ(request["token_ok"], true);
  EXPECT_TRUE(request["authorization"].is_null()) << "the call is unsigned";
}

TEST(WebIdentityCredentials, ProfileSettingsWorkAndAHalfConfigurationIsAnError) {
  FakeProcess sts("fake_sts.py", {"--expected-token", kWebToken});
  TempDir dir;
  std::string token_file = dir.write("token", kWebToken);
  core::FakeClock clock;
  auto shared = std::make_shared<const SharedConfig>(
      *SharedConfig::from_texts("oidc", "",
                                "[profile oidc]\nweb_identity_token_file = " + token_file +
                                    "\nrole_arn = arn:aws:iam::1:role/r\n"));
  auto env = map_environment({{"AWS_ENDPOINT_URL", sts.url()}});
  auto http = std::make_shared<CurlTransport>();
  auto creds = WebIdentityCredentials(env, shared, "eu-west-1", http, clock).load();
  ASSERT_TRUE(creds.is_ok()) << creds.status().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAFAKESTS1");

  auto half = WebIdentityCredentials(map_environment({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file}}),
                                     no_shared_files(), "eu-west-1", http, clock)
                  .load();
  EXPECT_EQ(half.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_EQ(WebIdentityCredentials(map_environment({}), no_shared_files(), "eu-west-1", http, clock)
                .load()
                .status()
                .code(),
            core::StatusCode::kNotFound);
}

TEST(ContainerCredentials, RelativeUriIsRefusedElsewhereAndFullUriNeedsAnAllowedHost) {
  EXPECT_TRUE(check_container_credentials_url("http://127.0.0.1:9/creds").is_ok());
  EXPECT_TRUE(check_container_credentials_url("http://169.254.170.23/v1/credentials").is_ok());
  EXPECT_TRUE(check_container_credentials_url("http://[fd00:ec2::23]/x").is_ok());
  EXPECT_TRUE(check_container_credentials_url("http://[::1]:8/x").is_ok());
  EXPECT_FALSE(check_container_credentials_url("http://169.254.169.254/x").is_ok());
  EXPECT_FALSE(check_container_credentials_url("https://evil.example/x").is_ok());
  EXPECT_FALSE(check_container_credentials_url("http://127.0.0.1.evil.example/x").is_ok());
  EXPECT_FALSE(check_container_credentials_url("http://user@127.0.0.1/x").is_ok());
  EXPECT_FALSE(check_container_credentials_url("file:///etc/passwd").is_ok());
}

TEST(ContainerCredentials, FullUriWithTheTokenFromAFileReadAgainEachTime) {
  FakeProcess ecs("fake_ecs_credentials.py", {"--expected-authorization", "Bearer first"});
  TempDir dir;
  std::string token_file = dir.write("token", "Bearer first\n");
  auto env =
      map_environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v2/credentials/fake"},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer from-variable"}});
  ContainerCredentials provider(env, std::make_shared<CurlTransport>());
  auto creds = provider.load();
  ASSERT_TRUE(creds.is_ok()) << creds.status().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAFAKEECS");
  EXPECT_EQ(creds->session_token, "ecs-session-token");
  EXPECT_EQ(creds->source, "container");
  EXPECT_EQ(log_entry(ecs, 0)["authorization"], "Bearer first");

  dir.write("token", "Bearer rotated");
  EXPECT_EQ(provider.load().status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_EQ(log_entry(ecs, 1)["authorization"], "Bearer rotated");

  dir.write("token", "Bearer x\r\nX-Injected: 1");
  auto injected = provider.load();
  EXPECT_EQ(injected.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ecs.log_lines().size(), 2u) << "a token with CR/LF is never sent";
}

TEST(ContainerCredentials, TokenFromTheVariableWhenThereIsNoFile) {
  FakeProcess ecs("fake_ecs_credentials.py", {"--expected-authorization", "Bearer var"});
  auto env =
      map_environment({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v2/credentials/fake"},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer var"}});
  auto creds = ContainerCredentials(env, std::make_shared<CurlTransport>()).load();
  ASSERT_TRUE(creds.is_ok()) << creds.status().to_string();
}

TEST(InstanceMetadataCredentials, UsesIMDSv2SessionTokens) {
  FakeProcess imds("fake_imds.py", {"--role", "lifeboat-role"});
  auto env = map_environment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()}});
  auto creds = InstanceMetadataCredentials(env, std::make_shared<CurlTransport>()).load();
  ASSERT_TRUE(creds.is_ok()) << creds.status().to_string();
  EXPECT_EQ(creds->access_key_id, "ASIAFAKEIMDS");
  EXPECT_EQ(creds->source, "instance metadata");
  auto lines = imds.log_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(log_entry(imds, 0)["method"], "PUT");
  EXPECT_EQ(log_entry(imds, 0)["ttl"], "21600");
  EXPECT_EQ(log_entry(imds, 1)["has_token"], true);
  EXPECT_EQ(log_entry(imds, 2)["path"], "/latest/meta-data/iam/security-credentials/lifeboat-role");
}

TEST(InstanceMetadataCredentials, TheFakeRefusesIMDSv1) {
  // The fake must not be lenient, or the test above would prove nothing.
  FakeProcess imds("fake_imds.py", {});
  HttpRequest v1;
  v1.url = imds.url() + "/latest/meta-data/iam/security-credentials/";
  auto response = CurlTransport().send(v1);
  ASSERT_TRUE(response.is_ok());
  EXPECT_EQ(response->status, 401);
}

TEST(InstanceMetadataCredentials, NoRoleDisabledOrUnreachableIsNotFound) {
  FakeProcess imds("fake_imds.py", {"--no-role"});
  auto http = std::make_shared<CurlTransport>();
  auto no_role = InstanceMetadataCredentials(
                     map_environment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()}}), http)
                     .load();
  EXPECT_EQ(no_role.status().code(), core::StatusCode::kNotFound);
  EXPECT_NE(no_role.status().message().find("no IAM role"), std::string::npos);

  auto disabled = InstanceMetadataCredentials(
                      map_environment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()},
                                       {"AWS_EC2_METADATA_DISABLED", "true"}}),
                      http)
                      .load();
  EXPECT_EQ(disabled.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(imds.log_lines().size(), 2u) << "disabled means not asked";

  auto unreachable =
      InstanceMetadataCredentials(
          map_environment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1"}}), http)
          .load();
  EXPECT_EQ(unreachable.status().code(), core::StatusCode::kNotFound);
}

TEST(DefaultCredentialChain, ContainerBeatsInstanceMetadataAndSharedFilesBeatContainer) {
  FakeProcess ecs("fake_ecs_credentials.py", {});
  FakeProcess imds("fake_imds.py", {});
  TempDir dir;
  core::FakeClock clock;
  auto http = std::make_shared<CurlTransport>();
  std::map<std::string, std::string> vars = {
      {"HOME", dir.path()},
      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v2/credentials/fake"},
      {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()}};
  auto chain_for = [&](const std::map<std::string, std::string>& v) {
    Environment env = map_environment(v);
    ChainContext context{
        env,   std::make_shared<const SharedConfig>(*SharedConfig::load(env, "default")),
        false, "us-east-1",
        http,  &clock};
    return default_credential_chain(context);
  };
  EXPECT_EQ(chain_for(vars)->get()->source, "container");
  EXPECT_EQ(imds.log_lines().size(), 0u);

  std::filesystem::create_directories(dir.path() + "/.aws");
  dir.write(".aws/credentials", "[default]\naws_access_key_id=AKIDF\naws_secret_access_key=x\n");
  EXPECT_EQ(chain_for(vars)->get()->source, "shared credentials file (profile default)");

  std::filesystem::remove(dir.path() + "/.aws/credentials");
  vars.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  EXPECT_EQ(chain_for(vars)->get()->source, "instance metadata");
}

// Every provider is made to fail with its secret in play; no message may hold it.
TEST(CredentialSecrets, NoProviderErrorRepeatsASecret) {
  TempDir dir;
  core::FakeClock clock;
  auto http = std::make_shared<CurlTransport>();
  std::vector<std::string> messages;
  auto collect = [&](const core::Result<Credentials>& r) {
    ASSERT_FALSE(r.is_ok());
    messages.push_back(r.status().message());
  };

  // Environment: half a pair.
  collect(EnvCredentials(map_environment({{"AWS_SECRET_ACCESS_KEY", "ENV-SECRET-KEY-1"},
                                          {"AWS_SESSION_TOKEN", "ENV-SESSION-TOKEN-1"}}))
              .load());
  // Shared files: half a pair, and a malformed line holding a secret.
  auto half = SharedConfig::from_texts(
      "default", "[default]\naws_secret_access_key = FILE-SECRET-KEY-2\n", "");
  collect(SharedFileCredentials(std::make_shared<const SharedConfig>(*half), false).load());
  std::filesystem::create_directories(dir.path() + "/.aws");
  dir.write(".aws/credentials", "[default]\naws_secret_access_key FILE-SECRET-KEY-3\n");
  collect(core::Result<Credentials>(
      SharedConfig::load(map_environment({{"HOME", dir.path()}}), "default").status()));
  // Web identity: STS refuses the token and (this fake) quotes it in its message.
  {
    FakeProcess sts("fake_sts.py", {"--expected-token", "something-else"});
    std::string token_file = dir.write("web-token", "WEB-IDENTITY-TOKEN-4");
    collect(WebIdentityCredentials(map_environment({{"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                                                    {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                                                    {"AWS_ENDPOINT_URL_STS", sts.url()}}),
                                   no_shared_files(), "us-east-1", http, clock)
                .load());
  }
  // Container: the endpoint refuses the token and quotes it; a token with a line break.
  {
    FakeProcess ecs("fake_ecs_credentials.py", {"--expected-authorization", "other"});
    collect(ContainerCredentials(
                map_environment(
                    {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v2/credentials/fake"},
                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "CONTAINER-TOKEN-5"}}),
                http)
                .load());
    collect(ContainerCredentials(
                map_environment(
                    {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", ecs.url() + "/v2/credentials/fake"},
                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "CONTAINER-TOKEN-6\n"}}),
                http)
                .load());
  }
  // Instance metadata: no role (the session token must not be named either).
  {
    FakeProcess imds("fake_imds.py", {"--no-role"});
    collect(InstanceMetadataCredentials(
                map_environment({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url()}}), http)
                .load());
  }
  ASSERT_EQ(messages.size(), 7u);
  for (const std::string& m : messages) {
    for (const char* secret :
         {"ENV-SECRET-KEY-1", "ENV-SESSION-TOKEN-1", "FILE-SECRET-KEY-2", "FILE-SECRET-KEY-3",
          "WEB-IDENTITY-TOKEN-4", "CONTAINER-TOKEN-5", "CONTAINER-TOKEN-6", "imds-"}) {
      EXPECT_EQ(m.find(secret), std::string::npos) << secret << " in: " << m;
    }
  }
}

}  // namespace
}  // namespace lifeboat::aws

// The JSON-protocol client against a scripted fake service (tests/fakes/fake_json_service.py):
// signing checked by botocore on the far side, error mapping, retries, back-off, timeouts.
#include "aws/json_service_client.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "aws/testing/fake_process.h"

namespace lifeboat::aws {
namespace {

using testing::FakeProcess;
using testing::TempDir;

constexpr const char* kSecret = "CLIENT-SECRET-wJalrXUtnFEMI/K7MDENG";
constexpr const char* kToken = "CLIENT-SESSION-TOKEN-FwoGZXIvYXdz";

struct Fixture {
  TempDir dir;
  std::unique_ptr<FakeProcess> fake;
  std::unique_ptr<JsonServiceClient> client;
  std::vector<std::chrono::milliseconds> sleeps;

  explicit Fixture(const core::Json& script, ClientOptions options = {},
                   std::map<std::string, std::string> extra_env = {}) {
    std::string script_file = dir.write("script.json", script.dump());
    fake = std::make_unique<FakeProcess>(
        "fake_json_service.py",
        std::vector<std::string>{"--script", script_file, "--secret-key", kSecret});
    std::map<std::string, std::string> vars = {{"HOME", dir.path()},
                                               {"AWS_ACCESS_KEY_ID", "ASIACLIENTKEY"},
                                               {"AWS_SECRET_ACCESS_KEY", kSecret},
                                               {"AWS_SESSION_TOKEN", kToken},
                                               {"AWS_REGION", "eu-west-1"},
                                               {"AWS_ENDPOINT_URL_SAGEMAKER", fake->url()},
                                               {"AWS_EC2_METADATA_DISABLED", "true"}};
    for (auto& [k, v] : extra_env) vars[k] = v;
    options.base_backoff = std::chrono::milliseconds(1);
    options.max_backoff = std::chrono::milliseconds(5);
    auto created = JsonServiceClient::create(sagemaker_service(), options, map_environment(vars));
    if (!created.is_ok()) throw std::runtime_error(created.status().to_string());
    client = std::move(created).value();
    client->set_sleep_for_testing([this](std::chrono::milliseconds d) {
      sleeps.push_back(d);
      std::this_thread::sleep_for(d);
    });
  }
  core::Json request(std::size_t i) const {
    auto lines = fake->log_lines();
    return i < lines.size() ? core::Json::parse(lines[i]) : core::Json();
  }
};

core::Json answer(int status, core::Json body) {
  return {{"status", status}, {"body", std::move(body)}};
}
core::Json error(int status, const std::string& type, const std::string& message) {
  return answer(status, {{"__type", type}, {"message", message}});
}

TEST(JsonServiceClient, SignedJson11RequestAndParsedAnswer) {
  Fixture f(core::Json::array({answer(200, {{"HomeEfsFileSystemUid", "200001"}})}));
  EXPECT_EQ(f.client->region(), "eu-west-1");
  EXPECT_EQ(f.client->endpoint(), f.fake->url());
  EXPECT_EQ(f.client->credential_source(), "environment");
  auto out = f.client->call("DescribeUserProfile", {{"DomainId", "d-1"}, {"UserProfileName", "a"}});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ((*out)["HomeEfsFileSystemUid"], "200001");
  core::Json r = f.request(0);
  EXPECT_EQ(r["target"], "SageMaker.DescribeUserProfile");
  EXPECT_EQ(r["content_type"], "application/x-amz-json-1.1");
  EXPECT_EQ(r["auth_well_formed"], true);
  EXPECT_EQ(r["signature_valid"], true) << "botocore computes another signature";
  EXPECT_EQ(r["has_security_token"], true);
  EXPECT_EQ(r["signed_headers"], "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
  EXPECT_EQ(r["user_agent"].get<std::string>().rfind("lifeboat/", 0), 0u);
  EXPECT_EQ(core::Json::parse(r["body"].get<std::string>())["UserProfileName"], "a");
}

TEST(JsonServiceClient, ErrorsMapToStatusCodesNamingServiceOperationAndCode) {
  Fixture f(core::Json::array(
      {error(400, "com.amazonaws.sagemaker#ResourceNotFound", "User profile a does not exist"),
       error(400, "ValidationException", "1 validation error"),
       error(400, "AccessDeniedException", "User: arn:aws:sts::1:assumed-role/x is not authorized"),
       error(400, "UnrecognizedClientException", "The security token included is invalid"),
       error(400, "ResourceInUse", "busy"),
       {{"status", 400},
        {"headers", {{"x-amzn-ErrorType", "ResourceNotFoundException:http://internal"}}},
        {"body", {{"Message", "capital M"}}}}}));
  auto not_found = f.client->call("DescribeUserProfile", core::Json::object());
  EXPECT_EQ(not_found.status().code(), core::StatusCode::kNotFound);
  EXPECT_EQ(not_found.status().message().rfind("SageMaker DescribeUserProfile: ResourceNotFound: "
                                               "User profile a does not exist",
                                               0),
            0u)
      << not_found.status().message();

  EXPECT_EQ(f.client->call("DescribeDomain", {}).status().code(),
            core::StatusCode::kInvalidArgument);

  auto denied = f.client->call("DescribeUserProfile", {});
  EXPECT_EQ(denied.status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("grant the IAM action sagemaker:DescribeUserProfile"),
            std::string::npos)
      << denied.status().message();
  EXPECT_NE(denied.status().message().find("(environment"), std::string::npos);

  auto bad_creds = f.client->call("ListDomains", {});
  EXPECT_EQ(bad_creds.status().code(), core::StatusCode::kPermissionDenied);
  EXPECT_NE(bad_creds.status().message().find("environment"), std::string::npos);

  EXPECT_EQ(f.client->call("ListSpaces", {}).status().code(),
            core::StatusCode::kFailedPrecondition);

  auto header_code = f.client->call("DescribeSpace", {});
  EXPECT_EQ(header_code.status().code(), core::StatusCode::kNotFound);
  EXPECT_NE(header_code.status().message().find("ResourceNotFoundException: capital M"),
            std::string::npos)
      << header_code.status().message();

  for (const auto& r : {not_found, denied, bad_creds, header_code}) {
    EXPECT_EQ(r.status().message().find(kSecret), std::string::npos);
    EXPECT_EQ(r.status().message().find(kToken), std::string::npos);
    EXPECT_EQ(r.status().message().find("Signature="), std::string::npos);
  }
  EXPECT_EQ(f.sleeps.size(), 0u) << "client errors are not retried";
}

TEST(JsonServiceClient, AnOperationNotListedForTheServiceIsRefusedWithoutARequest) {
  Fixture f(core::Json::array({answer(200, core::Json::object())}));
  auto out = f.client->call("DeleteDomain", {{"DomainId", "d-1"}});
  EXPECT_EQ(out.status().code(), core::StatusCode::kInternal);
  EXPECT_NE(out.status().message().find("SageMaker DeleteDomain: not among the operations"),
            std::string::npos)
      << out.status().message();
  EXPECT_TRUE(f.fake->log_lines().empty()) << "the refused call reached the service";
}

TEST(JsonServiceClient, ThrottlingIsRetriedWithBackoffThenSucceeds) {
  Fixture f(core::Json::array({error(400, "ThrottlingException", "Rate exceeded"),
                               error(400, "ThrottlingException", "Rate exceeded"),
                               answer(429, core::Json::object()),
                               error(503, "ServiceUnavailable", "try later"),
                               answer(200, {{"Domains", core::Json::array()}})}));
  auto out = f.client->call("ListDomains", core::Json::object());
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ(f.fake->log_lines().size(), 5u);
  ASSERT_EQ(f.sleeps.size(), 4u);
  // Full jitter under a cap of min(5, 1 * 2^n) ms.
  EXPECT_LE(f.sleeps[0].count(), 1);
  EXPECT_LE(f.sleeps[1].count(), 2);
  EXPECT_LE(f.sleeps[3].count(), 5);
  // Each attempt is signed anew, and botocore agrees with every one.
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(f.request(i)["signature_valid"], true);
}

TEST(JsonServiceClient, GivesUpAfterMaxAttemptsSayingHowMany) {
  ClientOptions options;
  options.max_attempts = 3;
  Fixture f(core::Json::array({error(500, "InternalFailure", "oops")}), options);
  auto out = f.client->call("ListDomains", {});
  EXPECT_EQ(out.status().code(), core::StatusCode::kUnavailable);
  EXPECT_NE(out.status().message().find("gave up after 3 attempts"), std::string::npos)
      << out.status().message();
  EXPECT_NE(out.status().message().find("InternalFailure"), std::string::npos);
  EXPECT_EQ(f.fake->log_lines().size(), 3u);
}

TEST(JsonServiceClient, TimeoutsAreRetriedThenUnavailable) {
  ClientOptions options;
  options.max_attempts = 2;
  options.request_timeout = std::chrono::milliseconds(300);
  Fixture f(core::Json::array({{{"status", 200}, {"body", core::Json::object()}, {"delay", 2}}}),
            options);
  auto start = std::chrono::steady_clock::now();
  auto out = f.client->call("ListDomains", {});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(out.status().code(), core::StatusCode::kUnavailable);
  EXPECT_NE(out.status().message().find("gave up after 2 attempts"), std::string::npos);
  EXPECT_NE(out.status().message().find("within 300 ms"), std::string::npos)
      << out.status().message();
}

TEST(JsonServiceClient, ConnectionRefusedIsRetriedThenUnavailable) {
  ClientOptions options;
  options.max_attempts = 2;
  options.endpoint_url = "http://127.0.0.1:1";
  Fixture f(core::Json::array({answer(200, {})}), options);
  auto out = f.client->call("ListDomains", {});
  EXPECT_EQ(out.status().code(), core::StatusCode::kUnavailable);
  EXPECT_NE(out.status().message().find("SageMaker ListDomains: gave up after 2 attempts"),
            std::string::npos)
      << out.status().message();
  EXPECT_EQ(f.sleeps.size(), 1u);
}

// cancel() (the daemon stopping) ends a call that is backing off at once, with Cancelled.
TEST(JsonServiceClient, CancelEndsACallThatIsBackingOff) {
  auto env = map_environment({{"HOME", "/nonexistent"},
                              {"AWS_ACCESS_KEY_ID", "AKIDCANCEL"},
                              {"AWS_SECRET_ACCESS_KEY", "secret-cancel"},
                              {"AWS_REGION", "us-east-1"},
                              {"AWS_EC2_METADATA_DISABLED", "true"}});
  ClientOptions options;
  options.endpoint_url = "http://127.0.0.1:1";  // refused: retried after long waits
  options.max_attempts = 8;
  options.base_backoff = std::chrono::seconds(10);
  options.max_backoff = std::chrono::seconds(10);
  auto client = JsonServiceClient::create(sagemaker_service(), options, env);
  ASSERT_TRUE(client.is_ok()) << client.status().to_string();
  const auto start = std::chrono::steady_clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (*client)->cancel();
  });
  auto out = (*client)->call("ListDomains", {});
  canceller.join();
  EXPECT_EQ(out.status().code(), core::StatusCode::kCancelled) << out.status().to_string();
  // Well before even one 10 s back-off could have passed (jitter may make it shorter).
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
  EXPECT_EQ((*client)->call("ListDomains", {}).status().code(), core::StatusCode::kCancelled);
}

TEST(JsonServiceClient, NoCredentialsAnywhereListsEveryPlaceLooked) {
  Fixture f(core::Json::array({answer(200, {})}), {},
            {{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}});
  auto out = f.client->call("ListDomains", {});
  EXPECT_EQ(out.status().code(), core::StatusCode::kFailedPrecondition);
  const std::string m = out.status().message();
  EXPECT_EQ(m.rfind("SageMaker ListDomains: no AWS credentials found", 0), 0u) << m;
  for (const char* place :
       {"AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE", ".aws/credentials",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_EC2_METADATA_DISABLED"}) {
    EXPECT_NE(m.find(place), std::string::npos) << place << " missing from: " << m;
  }
  EXPECT_EQ(f.fake->log_lines().size(), 0u);
  EXPECT_EQ(f.client->credential_source(), "none found");
}

TEST(JsonServiceClient, ConcurrentCallsFromSeveralThreads) {
  Fixture f(core::Json::array({answer(200, {{"ok", true}})}));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (f.client->call("ListDomains", {}).is_ok()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 20);
}

TEST(JsonServiceClient, CreateRefusesABadRegionOrEndpoint) {
  auto env = map_environment({{"HOME", "/nonexistent"}, {"AWS_REGION", "us-east-1"}});
  ClientOptions bad_region;
  bad_region.region = "us-east-1.evil.com";
  EXPECT_EQ(JsonServiceClient::create(sagemaker_service(), bad_region, env).status().code(),
            core::StatusCode::kInvalidArgument);
  ClientOptions bad_endpoint;
  bad_endpoint.endpoint_url = "ftp://x";
  EXPECT_EQ(JsonServiceClient::create(sagemaker_service(), bad_endpoint, env).status().code(),
            core::StatusCode::kInvalidArgument);
  ClientOptions china;
  china.region = "cn-north-1";
  auto client = JsonServiceClient::create(sagemaker_service(), china, env);
  ASSERT_TRUE(client.is_ok());
  EXPECT_EQ((*client)->endpoint(), "https://api.sagemaker.cn-north-1.amazonaws.com.cn");
}

}  // namespace
}  // namespace lifeboat::aws

#include "support/fake_sagemaker.h"

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "aws/environment.h"
#include "support/raw_http.h"

namespace lifeboat::testing {

namespace {

constexpr const char* kAccessKey = "AKIDLIFEBOATTEST";
constexpr const char* kSecretKey = "lifeboat-fake-secret-key";

// Polls `fn` every 100 ms for up to 20 s.
template <typename Fn>
bool poll(Fn fn) {
  for (int i = 0; i < 200; ++i) {
    if (fn()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

FakeSageMaker::FakeSageMaker(const std::vector<std::string>& extra) : volume_root_(dir_ / "efs") {
  std::vector<std::string> args{"--volume-root", volume_root_, "--access-key",   kAccessKey,
                                "--secret-key",  kSecretKey,   "--create-delay", "0.2",
                                "--home-delay",  "0.5"};
  args.insert(args.end(), extra.begin(), extra.end());
  process_ = std::make_unique<aws::testing::FakeProcess>("fake_sagemaker.py", args);
  aws::ClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = process_->url();
  options.base_backoff = std::chrono::milliseconds(20);
  // The test plays the administrator too: it creates and deletes, which Lifeboat never
  // does, so its client lists those operations beside Lifeboat's own.
  aws::ServiceInfo service = aws::sagemaker_service();
  for (const char* op : {"CreateDomain", "DeleteDomain", "CreateUserProfile", "DeleteUserProfile",
                         "CreateSpace", "DeleteSpace"}) {
    service.operations.emplace_back(op);
  }
  auto client =
      aws::JsonServiceClient::create(std::move(service), options,
                                     aws::map_environment({{"AWS_ACCESS_KEY_ID", kAccessKey},
                                                           {"AWS_SECRET_ACCESS_KEY", kSecretKey},
                                                           {"AWS_EC2_METADATA_DISABLED", "true"}}));
  if (!client.is_ok()) throw std::runtime_error(client.status().to_string());
  client_ = std::move(client).value();
}

const char* FakeSageMaker::access_key() { return kAccessKey; }
const char* FakeSageMaker::secret_key() { return kSecretKey; }

std::vector<std::string> FakeSageMaker::env() const {
  return {std::string("AWS_ACCESS_KEY_ID=") + kAccessKey,
          std::string("AWS_SECRET_ACCESS_KEY=") + kSecretKey, "AWS_REGION=us-east-1",
          "AWS_EC2_METADATA_DISABLED=true", "AWS_ENDPOINT_URL_SAGEMAKER=" + endpoint(),
          // Never a developer's own AWS configuration.
          "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_CONFIG_FILE=/nonexistent"};
}

core::Json FakeSageMaker::call(const std::string& operation, const core::Json& request) {
  auto answer = client_->call(operation, request);
  if (!answer.is_ok()) {
    ADD_FAILURE() << operation << ": " << answer.status().to_string();
    return nullptr;
  }
  return *answer;
}

std::string FakeSageMaker::create_domain(const std::string& name) {
  core::Json created =
      call("CreateDomain",
           {{"DomainName", name},
            {"AuthMode", "IAM"},
            {"DefaultUserSettings", {{"ExecutionRole", "arn:aws:iam::123456789012:role/studio"}}},
            {"SubnetIds", {"subnet-0123456789abcdef0"}},
            {"VpcId", "vpc-0123456789abcdef0"}});
  std::string id = created.value("DomainId", "");
  if (id.empty()) {
    const std::string arn = created.value("DomainArn", "");
    id = arn.substr(arn.rfind('/') + 1);
  }
  EXPECT_TRUE(poll([&] {
    return call("DescribeDomain", {{"DomainId", id}}).value("Status", "") == "InService";
  })) << "domain "
      << id << " never became InService";
  return id;
}

std::string FakeSageMaker::describe_uid(const std::string& op, const core::Json& request) {
  std::string uid;
  EXPECT_TRUE(poll([&] {
    core::Json d = call(op, request);
    if (d.value("Status", "") != "InService") return false;
    uid = d.value("HomeEfsFileSystemUid", "");
    return !uid.empty();
  })) << op
      << " never became InService";
  return uid;
}

std::string FakeSageMaker::create_user(const std::string& domain_id, const std::string& name) {
  call("CreateUserProfile", {{"DomainId", domain_id}, {"UserProfileName", name}});
  return describe_uid("DescribeUserProfile", {{"DomainId", domain_id}, {"UserProfileName", name}});
}

std::string FakeSageMaker::create_space(const std::string& domain_id, const std::string& name) {
  call("CreateSpace", {{"DomainId", domain_id}, {"SpaceName", name}});
  return describe_uid("DescribeSpace", {{"DomainId", domain_id}, {"SpaceName", name}});
}

namespace {

// Waits until `describe` fails with ResourceNotFound.
bool gone(aws::JsonServiceClient& client, const std::string& op, const core::Json& request) {
  return poll([&] {
    auto d = client.call(op, request);
    return !d.is_ok() && d.status().code() == core::StatusCode::kNotFound;
  });
}

}  // namespace

void FakeSageMaker::delete_user(const std::string& domain_id, const std::string& name) {
  const core::Json key{{"DomainId", domain_id}, {"UserProfileName", name}};
  call("DeleteUserProfile", key);
  EXPECT_TRUE(gone(*client_, "DescribeUserProfile", key)) << name;
}

void FakeSageMaker::delete_space(const std::string& domain_id, const std::string& name) {
  const core::Json key{{"DomainId", domain_id}, {"SpaceName", name}};
  call("DeleteSpace", key);
  EXPECT_TRUE(gone(*client_, "DescribeSpace", key)) << name;
}

void FakeSageMaker::delete_domain(const std::string& domain_id) {
  call("DeleteDomain",
       {{"DomainId", domain_id}, {"RetentionPolicy", {{"HomeEfsFileSystem", "Retain"}}}});
  EXPECT_TRUE(gone(*client_, "DescribeDomain", {{"DomainId", domain_id}})) << domain_id;
}

std::string FakeSageMaker::volume_of(const std::string& domain_id) {
  return call("DescribeDomain", {{"DomainId", domain_id}}).value("HomeEfsFileSystemId", "");
}

core::Json FakeSageMaker::control(const std::string& path, const std::string& body) {
  const std::string request = fmt::format(
      "{} /_fake/{} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: {}\r\nConnection: close\r\n\r\n{}",
      body.empty() ? "GET" : "POST", path, body.size(), body);
  RawResponse r = raw_exchange(process_->port(), request, std::chrono::seconds(30));
  if (r.status != 200) {
    ADD_FAILURE() << "control " << path << ": " << r.status << " " << r.body;
    return nullptr;
  }
  return core::Json::parse(r.body, nullptr, false);
}

core::Json FakeSageMaker::events() { return control("events"); }

}  // namespace lifeboat::testing

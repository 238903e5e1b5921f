// `lifeboat doctor` against the fake SageMaker and the fake SQS: every check passes on a
// good deployment, and each way a deployment can be wrong gives a FAIL line naming what to
// do and a non-zero exit.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aws/testing/fake_sqs.h"
#include "support/fake_sagemaker.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

using aws::testing::FakeSqs;
namespace fsys = std::filesystem;

class DoctorTest : public ::testing::Test {
 protected:
  DoctorTest() : sqs_({}, FakeSageMaker::access_key(), FakeSageMaker::secret_key()) {}

  void SetUp() override {
    volume_ = tmp_ / "volume";
    fsys::create_directories(volume_);
    fsys::create_directories(tmp_ / "data");
    queue_url_ = sqs_.create_queue("events");
    sqs_.create_queue("events-dlq");
  }

  //! A config: SageMaker platform, the volume, the queue; `extra` is appended.
  std::string config(const std::string& extra = "", const std::string& queue_url = "",
                     const std::string& endpoint = "") {
    const std::string path = tmp_ / "lifeboat.toml";
    std::ofstream(path) << "[platform]\nkind = \"sagemaker\"\nregion = \"us-east-1\"\n"
                        << "[volumes]\nhome = \"" << volume_ << "\"\n"
                        << "[[intake.sqs]]\nqueue_url = \""
                        << (queue_url.empty() ? queue_url_ : queue_url) << "\"\n"
                        << "endpoint_url = \"" << (endpoint.empty() ? sqs_.endpoint() : endpoint)
                        << "\"\n"
                        << extra;
    return path;
  }

  std::vector<std::string> env() const { return sagemaker_.env(); }

  ProcessResult doctor(const std::string& config_path, const std::vector<std::string>& env_vars) {
    return run_lifeboat({"--data-dir", tmp_ / "data", "doctor", "--config", config_path}, "",
                        env_vars);
  }

  //! The output line that starts with `prefix` (empty when none).
  static std::string line(const std::string& out, const std::string& prefix) {
    std::size_t at = out.find(prefix);
    if (at == std::string::npos) return "";
    return out.substr(at, out.find('\n', at) - at);
  }

  TempDir tmp_;
  FakeSageMaker sagemaker_;
  FakeSqs sqs_;
  std::string volume_;
  std::string queue_url_;
};

TEST_F(DoctorTest, EveryCheckPassesOnAGoodDeployment) {
  auto r = doctor(config(), env());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(line(r.out, "ok config:"), "") << r.out;
  EXPECT_NE(line(r.out, "ok store:").find("schema version"), std::string::npos) << r.out;
  EXPECT_NE(line(r.out, "ok volume home:").find("chown works"), std::string::npos) << r.out;
  EXPECT_NE(line(r.out, "ok credentials (sagemaker):").find("environment"), std::string::npos)
      << r.out;
  EXPECT_NE(line(r.out, "ok sagemaker:").find("ListDomains"), std::string::npos) << r.out;
  EXPECT_NE(line(r.out, "ok credentials (queue events):"), "") << r.out;
  EXPECT_NE(line(r.out, "ok queue " + queue_url_).find("no redrive policy"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  // The probe left nothing behind in the volume.
  EXPECT_TRUE(fsys::is_empty(volume_));
  // The calls were signed as AWS checks them.
  EXPECT_EQ(sqs_.stats()["signatureFailures"], 0);
  EXPECT_EQ(sqs_.stats()["calls"].value("GetQueueAttributes", 0), 1);
}

TEST_F(DoctorTest, ABadConfigIsTheOneFailure) {
  auto r = doctor(config("max_messages = 11\n"), env());
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string fail = line(r.out, "FAIL config:");
  EXPECT_NE(fail.find("intake.sqs[0].max_messages"), std::string::npos) << r.out;
  EXPECT_NE(fail.find("to fix:"), std::string::npos) << r.out;
}

TEST_F(DoctorTest, AMissingVolumeSaysToMountIt) {
  fsys::remove(volume_);
  auto r = doctor(config(), env());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string fail = line(r.out, "FAIL volume home:");
  EXPECT_NE(fail.find("No such file"), std::string::npos) << r.out;
  EXPECT_NE(fail.find("to fix: mount the volume"), std::string::npos) << r.out;
}

// Run as an unprivileged user: a volume it cannot write, and one it can write but where it
// cannot chown (what a copy needs).
TEST_F(DoctorTest, AVolumeWithoutWriteOrChownRightsFails) {
  const std::string writable = tmp_ / "owned-by-nobody";
  fsys::create_directories(writable);
  ASSERT_EQ(::chown(writable.c_str(), 65534, 65534), 0);
  ASSERT_EQ(::chmod(tmp_.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(volume_.c_str(), 0755), 0);
  const std::string path = tmp_ / "nobody.toml";
  std::ofstream(path) << "[volumes]\nroot-owned = \"" << volume_ << "\"\nnobody-owned = \""
                      << writable << "\"\n";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  const std::vector<std::string> argv{"/usr/bin/setpriv",
                                      "--reuid=65534",
                                      "--regid=65534",
                                      "--clear-groups",
                                      lifeboat_bin(),
                                      "--store",
                                      "sqlite:///nonexistent-dir/x.db",
                                      "doctor",
                                      "--config",
                                      path};
  auto r = run_process(argv, "", {});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string unwritable = line(r.out, "FAIL volume root-owned:");
  EXPECT_NE(unwritable.find("create a scratch directory"), std::string::npos) << r.out;
  EXPECT_NE(unwritable.find("to fix: run lifeboat as root"), std::string::npos) << r.out;
  const std::string no_chown = line(r.out, "FAIL volume nobody-owned:");
  EXPECT_NE(no_chown.find("chown a file"), std::string::npos) << r.out;
  EXPECT_TRUE(fsys::is_empty(writable)) << "the probe left its scratch directory";
}

TEST_F(DoctorTest, NoCredentialsSaysWhereToPutThem) {
  auto r =
      doctor(config(), {"AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
                        "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_CONFIG_FILE=/nonexistent",
                        "AWS_ENDPOINT_URL_SAGEMAKER=" + sagemaker_.endpoint()});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  for (const char* check : {"FAIL credentials (sagemaker):", "FAIL credentials (queue events):"}) {
    const std::string fail = line(r.out, check);
    EXPECT_NE(fail.find("no AWS credentials found"), std::string::npos) << r.out;
    EXPECT_NE(fail.find("instance profile"), std::string::npos) << r.out;
  }
}

TEST_F(DoctorTest, AccessDeniedNamesTheIamActionToGrant) {
  sqs_.deny({"GetQueueAttributes"});
  sagemaker_.control("config", R"({"deny": ["ListDomains"]})");
  auto r = doctor(config(), env());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string sm = line(r.out, "FAIL sagemaker:");
  EXPECT_NE(sm.find("sagemaker:ListDomains"), std::string::npos) << r.out;
  EXPECT_NE(sm.find("to fix: grant the IAM action"), std::string::npos) << r.out;
  const std::string q = line(r.out, "FAIL queue " + queue_url_);
  EXPECT_NE(q.find("sqs:GetQueueAttributes"), std::string::npos) << r.out;
  EXPECT_NE(q.find("to fix: grant the IAM action"), std::string::npos) << r.out;
}

TEST_F(DoctorTest, AQueueThatDoesNotExistFails) {
  const std::string missing = queue_url_.substr(0, queue_url_.rfind('/')) + "/no-such-queue";
  auto r = doctor(config("", missing), env());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string fail = line(r.out, "FAIL queue " + missing);
  EXPECT_NE(fail.find("QueueDoesNotExist"), std::string::npos) << r.out;
  EXPECT_NE(fail.find("to fix:"), std::string::npos) << r.out;
  EXPECT_NE(line(r.out, "ok sagemaker:"), "") << r.out;
}

TEST_F(DoctorTest, AQueueEndpointThatCannotBeReachedFails) {
  // Port 1 on loopback: nothing listens, the connection is refused.
  auto r = doctor(config("", "", "http://127.0.0.1:1"), env());
  EXPECT_EQ(r.exit_code, 1) << r.out;
  const std::string fail = line(r.out, "FAIL queue " + queue_url_);
  EXPECT_NE(fail.find("127.0.0.1:1"), std::string::npos) << r.out;
  EXPECT_NE(fail.find("to fix: check that this host can reach"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lifeboat::testing

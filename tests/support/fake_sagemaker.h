// The fake SageMaker (tests/fakes/fake_sagemaker.py) for whole-binary tests: started on
// 127.0.0.1 with a temporary volume root and its own credentials, driven through the
// real AWS client (every call signed, as the daemon signs its own), and its control API.
// Also the environment a `lifeboat` process needs to reach it. One test thread owns it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aws/json_service_client.h"
#include "aws/testing/fake_process.h"
#include "core/json.h"
#include "support/process.h"

namespace lifeboat::testing {

class FakeSageMaker {
 public:
  //! `extra` flags go to fake_sagemaker.py (e.g. "--throttle-every", "4").
  explicit FakeSageMaker(const std::vector<std::string>& extra = {});

  //! Where the fake keeps each domain's volume: <root>/<fs-id>.
  const std::string& volume_root() const { return volume_root_; }
  std::string endpoint() const { return process_->url(); }
  //! The credentials the fake accepts (another fake may be started with them too).
  static const char* access_key();
  static const char* secret_key();
  //! AWS_* variables that point a lifeboat process at the fake ("K=V").
  std::vector<std::string> env() const;

  //! One signed API call; fails the test (ADD_FAILURE) and returns null when it fails.
  core::Json call(const std::string& operation, const core::Json& request);
  //! CreateDomain; returns the domain id once it is InService.
  std::string create_domain(const std::string& name);
  //! CreateUserProfile; returns the uid once it is InService.
  std::string create_user(const std::string& domain_id, const std::string& name);
  std::string create_space(const std::string& domain_id, const std::string& name);
  //! Deletes and waits until Describe says it is gone.
  void delete_user(const std::string& domain_id, const std::string& name);
  void delete_space(const std::string& domain_id, const std::string& name);
  void delete_domain(const std::string& domain_id);
  //! The home volume (fs id) of a domain.
  std::string volume_of(const std::string& domain_id);

  //! A control-API call (GET when `body` is empty).
  core::Json control(const std::string& path, const std::string& body = "");
  //! The CloudTrail records the fake has emitted so far (as EventBridge delivers them).
  core::Json events();

 private:
  std::string describe_uid(const std::string& op, const core::Json& request);

  TempDir dir_;
  std::string volume_root_;
  std::unique_ptr<aws::testing::FakeProcess> process_;
  std::unique_ptr<aws::JsonServiceClient> client_;
};

}  // namespace lifeboat::testing

// The doctor's checks that need no AWS: the volume probe and the lines it prints.
#include "server/doctor.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace lifeboat::server {
namespace {

namespace fsys = std::filesystem;

TEST(Doctor, TheVolumeProbeLeavesNothingBehind) {
  testing::TempDir dir;
  const std::string volume = dir / "volume";
  fsys::create_directories(volume);
  std::ofstream(volume + "/someone.txt") << "theirs";
  ASSERT_TRUE(probe_volume(volume).is_ok());
  std::vector<std::string> names;
  for (const auto& e : fsys::directory_iterator(volume)) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"someone.txt"});
}

TEST(Doctor, TheVolumeProbeNamesTheStepThatFailed) {
  testing::TempDir dir;
  core::Status missing = probe_volume(dir / "absent");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.message().find("create a scratch directory in"), std::string::npos)
      << missing.message();
}

TEST(Doctor, AConfigThatDoesNotParseIsTheOnlyCheck) {
  DoctorInputs inputs;
  inputs.config_error =
      core::Status::invalid_argument("x.toml: setting 'workers' must be positive");
  auto checks = run_doctor(inputs);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].ok);
  EXPECT_EQ(doctor_line(checks[0]).rfind("FAIL config: x.toml: setting 'workers'", 0), 0u)
      << doctor_line(checks[0]);
  EXPECT_NE(doctor_line(checks[0]).find("; to fix: "), std::string::npos);
}

TEST(Doctor, LocalPlatformWithoutQueuesNeedsNoCredentials) {
  testing::TempDir dir;
  fsys::create_directories(dir / "volume");
  DoctorInputs inputs;
  inputs.config = ServerConfig{};
  inputs.config->volumes["home"] = dir / "volume";
  inputs.store_url = "sqlite://" + dir / "lifeboat.db";
  inputs.env = aws::map_environment({});
  auto checks = run_doctor(inputs);
  std::vector<std::string> names;
  for (const auto& c : checks) {
    names.push_back(c.name);
    EXPECT_TRUE(c.ok) << doctor_line(c);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"config", "store", "volume home"}));
}

}  // namespace
}  // namespace lifeboat::server

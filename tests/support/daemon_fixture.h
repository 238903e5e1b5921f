// A test fixture around one real `lifeboat serve`: a temporary directory with a local
// volume "home" and a config that registers it; start() runs the daemon on them.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/daemon_process.h"
#include "support/process.h"

namespace lifeboat::testing {

class DaemonFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    volume_ = tmp_ / "volume";
    std::filesystem::create_directories(volume_);
    config_ = tmp_ / "lifeboat.toml";
    std::ofstream(config_) << "[[volumes]]\nid = \"home\"\npath = \"" << volume_ << "\"\n";
  }

  //! Starts `lifeboat --data-dir TMP/data serve --config CONFIG extra...`.
  void start(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"--config", config_};
    args.insert(args.end(), extra.begin(), extra.end());
    daemon_ = std::make_unique<DaemonProcess>(tmp_ / "data", args);
  }

  TempDir tmp_;
  std::string volume_;  //!< the volume's mount path
  std::string config_;  //!< the TOML config file
  std::unique_ptr<DaemonProcess> daemon_;
};

}  // namespace lifeboat::testing

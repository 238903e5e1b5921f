// CopyTreeTest: what the copier's unit tests share — a scratch source and target under a
// temporary directory, the real file system wrapped in a fault injector, copy options
// pointing at the two, and small file helpers. Parameterised on unnamed files: run on a
// target with them (O_TMPFILE, as ext4 and tmpfs: new files are linked into place) and
// without (as NFS and EFS: a temporary name, then rename).
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "fs/fault_injecting_file_system.h"
#include "fs/posix_file_system.h"
#include "testing/temp_dir.h"
#include "transfer/copier.h"

namespace lifeboat::transfer {

class CopyTreeTest : public ::testing::TestWithParam<bool> {
 protected:
  explicit CopyTreeTest(const char* temp_prefix) : tmp_(temp_prefix), dir_(tmp_.path()) {}

  void SetUp() override {
    base_.set_unnamed_files(GetParam());
    src_ = dir_ + "/src";
    dst_ = dir_ + "/dst";
    std::filesystem::create_directories(src_);
    options_.source = src_;
    options_.target = dst_;
    options_.parallel = 2;
  }

  //! Writes `text` to `path`, creating its parent directories.
  static void write(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  //! Runs the copy on `fs` with options_; a refused run fails the test.
  CopyReport copy(fs::FileSystem& fs) {
    auto r = run_copy(fs, options_);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r.is_ok() ? *r : CopyReport{};
  }
  //! To wrap in another fault injector (the name alone would pick the copy constructor).
  fs::FileSystem& base() { return base_; }

  //! The file system under test: the real one, with or without unnamed files.
  fs::FaultInjectingFileSystem base_{fs::PosixFileSystem::instance()};
  lifeboat::testing::TempDir tmp_;
  std::string dir_, src_, dst_;
  CopyOptions options_;
};

}  // namespace lifeboat::transfer

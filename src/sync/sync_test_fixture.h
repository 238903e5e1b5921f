// The fixture of the sync tests: a real SQLite store and registry in a temporary
// directory, a fake clock, and the in-memory fake of SageMaker's catalog.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/fake_clock.h"
#include "core/time_format.h"
#include "fakes/memory_catalog.h"
#include "platform/local_platform_directory.h"
#include "registry/registry.h"
#include "store/sqlite_store.h"
#include "testing/temp_dir.h"

namespace lifeboat::sync {

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.set_now(*core::parse_rfc3339("2026-11-30T12:00:00Z"));
    auto opened = store::SqliteStore::open(dir_ + "/lifeboat.db", {.clock = &clock_});
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store_ = std::move(opened).value();
    registry_ = std::make_unique<registry::Registry>(*store_, naming_, clock_);
  }
  void TearDown() override {
    registry_.reset();
    store_.reset();
  }

  //! A domain "demo" (d-demo) on volume fs-1, InService, created an hour ago.
  void add_domain(const std::string& id = "d-demo", const std::string& name = "demo",
                  const std::string& volume = "fs-1") {
    catalog_.put_domain({id, name, "InService", volume, "2026-11-30T11:00:00.000Z"});
  }
  //! A user profile (or space) with home `uid`, created at `created_at`.
  void add_profile(const std::string& name, const std::string& uid,
                   const std::string& created_at = "2026-11-30T11:10:00.000Z",
                   const std::string& domain = "d-demo",
                   core::ProfileKind kind = core::ProfileKind::kUser,
                   const std::string& status = "InService") {
    platform::PlatformProfile p{domain, kind, name, status, uid, created_at};
    if (uid.empty()) p.home_dir.reset();
    catalog_.put_profile(p);
  }

  std::optional<core::Profile> profile(const std::string& name, const std::string& domain = "demo",
                                       core::ProfileKind kind = core::ProfileKind::kUser) {
    std::optional<core::Profile> out;
    EXPECT_TRUE(store_
                    ->read([&](store::StoreTransaction& t) -> core::Status {
                      LIFEBOAT_ASSIGN_OR_RETURN(out, t.get_profile({domain, kind, name}));
                      return core::Status::ok();
                    })
                    .is_ok());
    return out;
  }

  std::vector<store::Change> changes() {
    std::vector<store::Change> out;
    EXPECT_TRUE(store_
                    ->read([&](store::StoreTransaction& t) -> core::Status {
                      LIFEBOAT_ASSIGN_OR_RETURN(out, t.read_changes(0, 100000));
                      return core::Status::ok();
                    })
                    .is_ok());
    return out;
  }

  lifeboat::testing::TempDir tmp_{"lifeboat-sync"};
  std::string dir_ = tmp_.path();
  core::FakeClock clock_;
  platform::LocalPlatformDirectory naming_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  testing::MemoryCatalog catalog_;
};

}  // namespace lifeboat::sync

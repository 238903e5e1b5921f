// list_scale_seed: fills a store with a large platform's registry for bench/list_scale.sh
// — N profiles over ten domains (users and spaces, a few pending or deleted, some with
// replication off) and M history rows spread over them — straight through the store's
// interface, thousands of rows per transaction, so seeding takes a minute, not hours of
// events. Benchmark tooling only: never run it on a store that matters.
//
//   list_scale_seed STORE_URL PROFILES HISTORY_ROWS
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "store/open_store.h"
#include "store/store.h"

namespace {

using lifeboat::core::Status;
namespace core = lifeboat::core;
namespace store = lifeboat::store;

core::Profile profile_for(std::int64_t i) {
  core::Profile p;
  p.key = {fmt::format("domain-{}", i % 10),
           i % 4 == 3 ? core::ProfileKind::kSpace : core::ProfileKind::kUser,
           fmt::format("user-{:07}", i)};
  p.domain_id = fmt::format("d-{}", i % 10);
  p.home = core::HomeLocation{"home", std::to_string(200000 + i)};
  p.owner_uid = 200000 + i;
  p.owner_gid = 100;
  p.replication = i % 10 != 3;
  p.status = i % 20 == 1   ? core::ProfileStatus::kPending
             : i % 20 == 2 ? core::ProfileStatus::kDeleted
                           : core::ProfileStatus::kActive;
  p.last_event_time =
      fmt::format("2026-{:02}-{:02}T{:02}:{:02}:00.000Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
  p.updated_at = p.last_event_time;
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: list_scale_seed STORE_URL PROFILES HISTORY_ROWS\n");
    return 2;
  }
  const std::int64_t profiles = std::atoll(argv[2]);
  const std::int64_t history = std::atoll(argv[3]);
  auto opened = store::open_store(argv[1]);
  if (!opened.is_ok()) {
    std::fprintf(stderr, "list_scale_seed: %s\n", opened.status().to_string().c_str());
    return 1;
  }
  store::Store& s = **opened;
  constexpr std::int64_t kBatch = 5000;
  for (std::int64_t start = 0; start < profiles; start += kBatch) {
    Status st = s.transact([&](store::StoreTransaction& t) -> Status {
      for (std::int64_t i = start; i < std::min(profiles, start + kBatch); ++i) {
        LIFEBOAT_RETURN_IF_ERROR(t.put_profile(profile_for(i)));
      }
      return Status::ok();
    });
    if (!st.is_ok()) {
      std::fprintf(stderr, "list_scale_seed: %s\n", st.to_string().c_str());
      return 1;
    }
  }
  for (std::int64_t start = 0; start < history; start += kBatch) {
    Status st = s.transact([&](store::StoreTransaction& t) -> Status {
      for (std::int64_t i = start; i < std::min(history, start + kBatch); ++i) {
        store::HistoryEntry e;
        e.key = profile_for(i % profiles).key;
        e.event_id = fmt::format("seed-{}", i);
        e.event_type = "UpdateUserProfile";
        e.event_time = "2026-11-29T10:00:00.000Z";
        e.recorded_at = e.event_time;
        e.outcome = std::string(store::kOutcomeApplied);
        e.detail = core::Json{{"efs_uid", std::to_string(200000 + i % profiles)}};
        LIFEBOAT_RETURN_IF_ERROR(t.append_history(e).status());
      }
      return Status::ok();
    });
    if (!st.is_ok()) {
      std::fprintf(stderr, "list_scale_seed: %s\n", st.to_string().c_str());
      return 1;
    }
  }
  std::printf("seeded %lld profiles and %lld history rows\n", static_cast<long long>(profiles),
              static_cast<long long>(history));
  return 0;
}

#include "transfer/hard_link_table.h"

namespace lifeboat::transfer {

HardLinkTable::Lookup HardLinkTable::claim(std::uint64_t dev, std::uint64_t ino) {
  return lookup(dev, ino, Group{});
}

HardLinkTable::Lookup HardLinkTable::claim_kept(std::uint64_t dev, std::uint64_t ino,
                                                const std::string& rel) {
  return lookup(dev, ino, Group{State::kDone, rel});
}

HardLinkTable::Lookup HardLinkTable::lookup(std::uint64_t dev, std::uint64_t ino, Group initial) {
  std::unique_lock lock(mu_);
  auto emplaced = groups_.try_emplace(std::make_pair(dev, ino), std::move(initial));
  if (emplaced.second) return Lookup{};
  // Map nodes are stable, so the group can be watched while others insert.
  const Group& group = emplaced.first->second;
  cv_.wait(lock, [&] { return group.state != State::kCopying; });
  if (group.state == State::kFailed) return Lookup{Lookup::Kind::kNone, {}};
  return Lookup{Lookup::Kind::kOriginal, group.target_rel};
}

void HardLinkTable::finish(std::uint64_t dev, std::uint64_t ino, bool ok, const std::string& rel) {
  {
    std::lock_guard lock(mu_);
    Group& g = groups_[std::make_pair(dev, ino)];
    g.state = ok ? State::kDone : State::kFailed;
    g.target_rel = rel;
  }
  cv_.notify_all();
}

}  // namespace lifeboat::transfer

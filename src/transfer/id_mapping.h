// IdMapping: what `--owner` / `--group` say to do with a file's uid or gid:
// `preserve` (copy it), `none` (leave the copier's own id), `map:OLD=NEW[,OLD=NEW…]`
// (copy it, replacing each OLD by NEW; ids not listed are preserved; OLD and NEW are
// numbers or user/group names), or `home`: the source root's id becomes the target
// root's id — a recovery hands the old home's files to whoever owns the new home, as the
// platform created it (resolved_for_roots, when the copy has opened both roots; a target
// root owned by root resolves to preserve).
// Immutable after parse; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace lifeboat::transfer {

class IdMapping {
 public:
  enum class Mode { kPreserve, kNone, kMap, kHome };

  IdMapping() = default;
  //! Parses a spec; `is_group` picks group names (getgrnam) instead of user names
  //! (getpwnam). InvalidArgument names `option` and the bad part.
  static core::Result<IdMapping> parse(std::string_view spec, bool is_group,
                                       std::string_view option);

  Mode mode() const { return mode_; }
  //! `home` made concrete: map:SOURCE=TARGET (preserve when they are equal). Other modes
  //! come back unchanged.
  IdMapping resolved_for_roots(std::uint32_t source_root_id, std::uint32_t target_root_id) const;
  //! The id a copy gets for a source id, or nullopt when ids are left alone (`none`). An
  //! unresolved `home` preserves.
  std::optional<std::uint32_t> apply(std::uint32_t id) const;
  //! The spec back as text ("preserve", "none", "home", "map:1000=2000").
  std::string to_string() const;

 private:
  Mode mode_ = Mode::kPreserve;
  std::map<std::uint32_t, std::uint32_t> map_;
};

}  // namespace lifeboat::transfer

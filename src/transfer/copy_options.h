// CopyOptions: everything a copy is told (the `lifeboat copy` flags; DataSync's task
// options). A plain value; from_json accepts DataSync's option names too, so a workflow
// task can pass a DataSync-style "Options" object.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "transfer/id_mapping.h"

namespace lifeboat::transfer {

enum class TransferMode { kChanged, kAll };
enum class OverwriteMode { kAlways, kNever, kOlder };
enum class VerifyMode { kNone, kTransferred, kAll };

struct CopyOptions {
  std::string source;  //!< SRC directory
  std::string target;  //!< DST directory (created if missing)
  //! kChanged: skip a file whose type, size and mtime already match at the target.
  TransferMode transfer_mode = TransferMode::kChanged;
  //! kOlder: replace a target entry only when its mtime is older than the source's.
  OverwriteMode overwrite = OverwriteMode::kAlways;
  bool delete_extraneous = false;  //!< --delete: remove target entries absent from the source
  IdMapping owner;                 //!< --owner
  IdMapping group;                 //!< --group
  bool preserve_perms = true;      //!< --perms preserve|none
  bool devices = false;            //!< --devices: recreate fifos, sockets and device nodes
  VerifyMode verify = VerifyMode::kTransferred;
  std::vector<std::string> excludes;  //!< patterns (each may be '|'-joined)
  std::vector<std::string> includes;
  std::uint64_t bwlimit = 0;  //!< bytes per second read from the source; 0: unlimited
  int parallel = 0;           //!< worker threads; 0: max(8, cores)
  bool dry_run = false;
  bool fsync = false;  //!< fsync each file (default: one syncfs at the end)
  //! --temp-names: write every file under a temporary name and rename it into place, even
  //! where the target has unnamed files (O_TMPFILE) — for a file system whose O_TMPFILE
  //! misbehaves, or tools that must see every file being created.
  bool temp_names = false;
  //! --keep-setuid: when owner or group is not `preserve`, a copy normally loses its
  //! setuid/setgid bits (non-directories) and file capabilities (`security.capability`), so
  //! that a file its old owner made setuid does not become setuid for the new owner (a
  //! remap to root would plant a root shell). This keeps them, for an administrator who has
  //! checked the tree. No effect when both are `preserve`. See docs/security.md.
  bool keep_setuid = false;

  //! Builds options from JSON. Keys (case as written): source|Source|src, target|Target|dst|
  //! destination, TransferMode|transfer_mode (CHANGED|ALL), OverwriteMode|overwrite
  //! (ALWAYS|NEVER|OLDER), PreserveDeletedFiles (PRESERVE|REMOVE) or delete (bool),
  //! Uid|owner and Gid|group (INT_VALUE|NAME|BOTH = preserve, NONE, or preserve|none|map:…),
  //! PosixPermissions|perms (PRESERVE|NONE), PreserveDevices (PRESERVE|NONE) or devices
  //! (bool), VerifyMode|verify (POINT_IN_TIME_CONSISTENT = all, ONLY_FILES_TRANSFERRED =
  //! transferred, NONE), BytesPerSecond|bwlimit (-1 or 0: unlimited), parallel, dry_run,
  //! fsync, temp_names, keep_setuid (bool: keep setuid/setgid bits and file capabilities even
  //! when owner or group is remapped; default false), Excludes|Includes (DataSync's
  //! [{"FilterType":"SIMPLE_PATTERN","Value":"a|b"}]), exclude|include (string or array of
  //! strings). Values are case-insensitive. DataSync options that do not apply here (Atime, Mtime,
  //! LogLevel, TaskQueueing, ObjectTags, SecurityDescriptorCopyFlags, TransferStatus) are accepted
  //! and ignored. Anything else is InvalidArgument naming the field.
  static core::Result<CopyOptions> from_json(const core::Json& json);

  //! The options as JSON (lower-case keys, accepted back by from_json).
  core::Json to_json() const;
};

const char* transfer_mode_name(TransferMode mode);
const char* overwrite_mode_name(OverwriteMode mode);
const char* verify_mode_name(VerifyMode mode);

//! Parsers for the CLI's values (lower-case); InvalidArgument names `option`.
core::Result<TransferMode> parse_transfer_mode(std::string_view text, std::string_view option);
core::Result<OverwriteMode> parse_overwrite_mode(std::string_view text, std::string_view option);
core::Result<VerifyMode> parse_verify_mode(std::string_view text, std::string_view option);

}  // namespace lifeboat::transfer

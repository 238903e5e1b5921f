// Doctor: `lifeboat doctor` — checks a deployment before the first real event (README
// "lifeboat doctor"): the config parses, the store answers (and its schema version), each
// volume is a directory Lifeboat can write and chown in, AWS credentials are found (and
// from where) when SageMaker or a queue is configured, SageMaker answers ListDomains and
// each queue GetQueueAttributes. Every check is one DoctorCheck; a failed one says what
// to do. Runs once, on the caller's thread; changes nothing but a scratch file it removes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/environment.h"
#include "core/result.h"
#include "server/server_config.h"

namespace lifeboat::server {

struct DoctorCheck {
  std::string name;  //!< "config", "store", "volume home", "credentials (sagemaker)", ...
  bool ok = false;
  std::string detail;  //!< what was found, or what failed
  std::string fix;     //!< for a failure: what to do
};

struct DoctorInputs {
  std::string config_path;  //!< empty: the defaults
  //! The config as loaded (unset when it did not parse; config_error says why).
  std::optional<ServerConfig> config;
  core::Status config_error;
  std::string store_url;  //!< as `serve` would open it; empty when it could not be resolved
  core::Status store_url_error;
  aws::Environment env = aws::process_environment();
};

//! Every check, in order. A config that does not parse is the only check then.
std::vector<DoctorCheck> run_doctor(const DoctorInputs& inputs);

//! "ok <name>: <detail>" or "FAIL <name>: <detail>; to fix: <fix>".
std::string doctor_line(const DoctorCheck& check);

//! Whether Lifeboat may write and chown under `path`: creates a private scratch directory
//! there (mode 0700, random name), a file in it (O_NOFOLLOW, O_EXCL), chowns the file by
//! descriptor to a uid and gid no account uses, and removes both. Never follows a symlink
//! it did not make. The error names the step that failed.
core::Status probe_volume(const std::string& path);

}  // namespace lifeboat::server

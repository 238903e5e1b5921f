// The AWS CLI's shared files: ~/.aws/credentials and ~/.aws/config (INI), the profile in
// use, and what a profile says (keys, region, endpoint_url, web identity settings).
//
// The files are found as the AWS CLI finds them: AWS_SHARED_CREDENTIALS_FILE and
// AWS_CONFIG_FILE, else $HOME/.aws/credentials and $HOME/.aws/config (HOME from the
// Environment). In the credentials file a profile is `[name]`; in the config file it is
// `[profile name]`, and the default profile is `[default]` in both. A SharedConfig is an
// immutable snapshot taken by load(): thread safe to read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "aws/environment.h"
#include "core/result.h"

namespace lifeboat::aws {

//! One INI file: section name -> (lower-cased key -> value). An indented `key = value`
//! under a key with no value (the config file's nested settings, e.g. `s3 =` then
//! `  addressing_style = path`) is stored as "parent.key".
struct IniFile {
  std::map<std::string, std::map<std::string, std::string>> sections;
};

//! Parses INI text. Lines starting with '#' or ';' are comments; there are no inline
//! comments (a '#' inside a value is part of it, as in the AWS CLI). A line that is not a
//! section, a setting or a comment is InvalidArgument naming `what` and the line number;
//! the line itself is never quoted (it may hold a secret key).
core::Result<IniFile> parse_ini(std::string_view text, std::string_view what);

//! The profile to use: `configured` if not empty, else AWS_PROFILE, else "default".
std::string resolve_profile_name(std::string_view configured, const Environment& env);

class SharedConfig {
 public:
  using Section = std::map<std::string, std::string>;

  //! Reads both files for `profile` (already resolved). An absent file counts as empty;
  //! one that exists but cannot be read or parsed is an error naming it.
  static core::Result<SharedConfig> load(const Environment& env, std::string profile);
  //! A config over given texts, for tests.
  static core::Result<SharedConfig> from_texts(std::string profile, std::string_view credentials,
                                               std::string_view config);

  const std::string& profile() const { return profile_; }
  const std::string& credentials_path() const { return credentials_path_; }
  const std::string& config_path() const { return config_path_; }

  //! The profile's section of the credentials file, null if it has none.
  const Section* credentials_section() const;
  //! The profile's section of the config file (`[profile name]`, or `[default]`), null
  //! if it has none.
  const Section* config_section() const;
  //! A setting of the profile in the config file, when present and not empty.
  std::optional<std::string> config_value(std::string_view key) const;

 private:
  std::string profile_;
  std::string credentials_path_;
  std::string config_path_;
  IniFile credentials_;
  IniFile config_;
};

}  // namespace lifeboat::aws

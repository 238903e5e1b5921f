// The shared files: INI parsing, profile selection, and where keys, region and endpoint
// come from.
#include "aws/shared_config.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "aws/endpoint.h"
#include "aws/shared_file_credentials.h"
#include "aws/testing/fake_process.h"

namespace lifeboat::aws {
namespace {

TEST(ParseIni, SectionsKeysCommentsAndNestedSettings) {
  auto ini = parse_ini(
      "# comment\n[default]\nRegion = eu-west-1\r\n; other\n[profile dev]\n"
      "s3 =\n  addressing_style = path\nendpoint_url=http://x#not-a-comment\n",
      "test");
  ASSERT_TRUE(ini.is_ok()) << ini.status().to_string();
  EXPECT_EQ(ini->sections["default"]["region"], "eu-west-1");
  EXPECT_EQ(ini->sections["profile dev"]["s3.addressing_style"], "path");
  EXPECT_EQ(ini->sections["profile dev"]["endpoint_url"], "http://x#not-a-comment");
}

TEST(ParseIni, AMalformedLineIsNamedByNumberAndNeverQuoted) {
  auto ini = parse_ini("[default]\naws_secret_access_key wJalrSECRETSECRET\n", "creds file");
  ASSERT_FALSE(ini.is_ok());
  EXPECT_NE(ini.status().message().find("creds file line 2"), std::string::npos);
  EXPECT_EQ(ini.status().message().find("wJalrSECRETSECRET"), std::string::npos);
  EXPECT_FALSE(parse_ini("key = value\n", "x").is_ok());  // outside any section
}

TEST(ResolveProfile, ConfiguredThenAwsProfileThenDefault) {
  EXPECT_EQ(resolve_profile_name("cfg", map_environment({{"AWS_PROFILE", "env"}})), "cfg");
  EXPECT_EQ(resolve_profile_name("", map_environment({{"AWS_PROFILE", "env"}})), "env");
  EXPECT_EQ(resolve_profile_name("", map_environment({{"AWS_PROFILE", ""}})), "default");
}

constexpr const char* kCredentials =
    "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n"
    "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\n"
    "aws_session_token = dev-token\n"
    "[half]\naws_access_key_id = AKIDHALF\n";
constexpr const char* kConfig =
    "[default]\nregion = us-west-2\n"
    "[profile dev]\nregion = eu-central-1\n"
    "[profile cfgonly]\naws_access_key_id = AKIDCFG\naws_secret_access_key = cfg-secret\n"
    "endpoint_url = http://127.0.0.1:9/\n"
    "[cfgonly]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n";

core::Result<Credentials> keys_for(const std::string& profile, bool named = true) {
  auto config = SharedConfig::from_texts(profile, kCredentials, kConfig);
  if (!config.is_ok()) return config.status();
  return SharedFileCredentials(std::make_shared<const SharedConfig>(*config), named).load();
}

TEST(SharedFileCredentials, ProfilesFromTheCredentialsFileThenTheConfigFile) {
  auto def = keys_for("default", false);
  ASSERT_TRUE(def.is_ok()) << def.status().to_string();
  EXPECT_EQ(def->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(def->source, "shared credentials file (profile default)");

  auto dev = keys_for("dev");
  ASSERT_TRUE(dev.is_ok());
  EXPECT_EQ(dev->access_key_id, "AKIDDEV");
  EXPECT_EQ(dev->session_token, "dev-token");

  // In the config file a profile is [profile x]; a bare [x] there is not that profile.
  auto cfg = keys_for("cfgonly");
  ASSERT_TRUE(cfg.is_ok()) << cfg.status().to_string();
  EXPECT_EQ(cfg->access_key_id, "AKIDCFG");
  EXPECT_EQ(cfg->source, "shared config file (profile cfgonly)");
}

TEST(SharedFileCredentials, HalfAPairIsAnErrorAndAMissingNamedProfileToo) {
  auto half = keys_for("half");
  ASSERT_FALSE(half.is_ok());
  EXPECT_EQ(half.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_NE(half.status().message().find("no aws_secret_access_key"), std::string::npos);

  auto missing = keys_for("nosuch", true);
  EXPECT_EQ(missing.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("'nosuch'"), std::string::npos);
  EXPECT_EQ(keys_for("nosuch", false).status().code(), core::StatusCode::kNotFound);
}

TEST(SharedConfig, LoadFindsFilesFromVariablesOrHome) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/.aws");
  dir.write(".aws/config", kConfig);
  std::string creds = dir.write("creds", kCredentials);
  auto env = map_environment({{"HOME", dir.path()}, {"AWS_SHARED_CREDENTIALS_FILE", creds}});
  auto config = SharedConfig::load(env, "dev");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->config_path(), dir.path() + "/.aws/config");
  EXPECT_EQ(config->credentials_path(), creds);
  EXPECT_EQ(config->config_value("region"), "eu-central-1");
  ASSERT_NE(config->credentials_section(), nullptr);

  // Absent files are empty, not errors.
  auto none = SharedConfig::load(map_environment({{"HOME", dir.path() + "/nowhere"}}), "default");
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->config_section(), nullptr);
}

}  // namespace
}  // namespace lifeboat::aws

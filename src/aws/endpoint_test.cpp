// Region and endpoint precedence, partitions, and what is refused.
#include "aws/endpoint.h"

#include <gtest/gtest.h>

namespace lifeboat::aws {
namespace {

SharedConfig profile_with(const std::string& settings) {
  return *SharedConfig::from_texts("default", "", "[default]\n" + settings);
}

TEST(Region, ConfigThenAwsRegionThenDefaultRegionThenProfile) {
  SharedConfig shared = profile_with("region = ap-south-1\n");
  auto all = map_environment({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-east-2"}});
  EXPECT_EQ(*resolve_region("us-west-2", all, shared), "us-west-2");
  EXPECT_EQ(*resolve_region("", all, shared), "eu-west-1");
  EXPECT_EQ(*resolve_region("", map_environment({{"AWS_DEFAULT_REGION", "us-east-2"}}), shared),
            "us-east-2");
  EXPECT_EQ(*resolve_region("", map_environment({}), shared), "ap-south-1");
  auto none = resolve_region("", map_environment({}), profile_with(""));
  EXPECT_EQ(none.status().code(), core::StatusCode::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("AWS_DEFAULT_REGION"), std::string::npos);
}

TEST(Region, NamesThatAreNotRegionsAreRefused) {
  for (const char* bad : {"US-EAST-1", "us east 1", "evil.com/x", "-us", "us_east_1", ""}) {
    EXPECT_FALSE(validate_region(bad).is_ok()) << bad;
  }
  auto from_env =
      resolve_region("", map_environment({{"AWS_REGION", "x.evil.com"}}), profile_with(""));
  EXPECT_EQ(from_env.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(from_env.status().message().find("AWS_REGION"), std::string::npos);
}

TEST(Endpoint, ConfigThenServiceVariableThenGlobalVariableThenProfileThenDefault) {
  ServiceInfo sm = sagemaker_service();
  SharedConfig shared = profile_with("endpoint_url = http://127.0.0.1:4/\n");
  auto env = map_environment({{"AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:2"},
                              {"AWS_ENDPOINT_URL", "http://127.0.0.1:3"}});
  EXPECT_EQ(*resolve_endpoint(sm, "us-east-1", "http://127.0.0.1:1/", env, shared),
            "http://127.0.0.1:1");
  EXPECT_EQ(*resolve_endpoint(sm, "us-east-1", "", env, shared), "http://127.0.0.1:2");
  EXPECT_EQ(
      *resolve_endpoint(sm, "us-east-1", "",
                        map_environment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:3"}}), shared),
      "http://127.0.0.1:3");
  EXPECT_EQ(*resolve_endpoint(sm, "us-east-1", "", map_environment({}), shared),
            "http://127.0.0.1:4");
  EXPECT_EQ(*resolve_endpoint(sm, "us-east-1", "", map_environment({}), profile_with("")),
            "https://api.sagemaker.us-east-1.amazonaws.com");
  // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns off all but the configuration.
  auto ignoring = map_environment({{"AWS_ENDPOINT_URL", "http://127.0.0.1:3"},
                                   {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}});
  EXPECT_EQ(*resolve_endpoint(sm, "us-east-1", "", ignoring, shared),
            "https://api.sagemaker.us-east-1.amazonaws.com");
}

TEST(Endpoint, ChinaRegionsUseTheirOwnDomain) {
  EXPECT_EQ(*resolve_endpoint(sagemaker_service(), "cn-north-1", "", map_environment({}),
                              profile_with("")),
            "https://api.sagemaker.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(
      *resolve_endpoint(sts_service(), "cn-northwest-1", "", map_environment({}), profile_with("")),
      "https://sts.cn-northwest-1.amazonaws.com.cn");
}

TEST(Endpoint, ServiceVariableNamesFollowTheServiceId) {
  EXPECT_EQ(endpoint_env_variable("SageMaker"), "AWS_ENDPOINT_URL_SAGEMAKER");
  EXPECT_EQ(endpoint_env_variable("Elastic Load-Balancing"),
            "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING");
}

TEST(Endpoint, UrlsWithPathsUsersOrOtherSchemesAreRefused) {
  for (const char* bad : {"ftp://x", "api.sagemaker.aws", "https://u:p@host", "https://h/path",
                          "https://h?q=1", "https://"}) {
    EXPECT_FALSE(validate_endpoint_url(bad, "test").is_ok()) << bad;
  }
  EXPECT_TRUE(validate_endpoint_url("https://h.example:8443/", "test").is_ok());
  EXPECT_TRUE(validate_endpoint_url("http://[::1]:80", "test").is_ok());
}

}  // namespace
}  // namespace lifeboat::aws

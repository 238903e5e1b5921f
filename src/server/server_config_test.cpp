#include "server/server_config.h"

#include <gtest/gtest.h>

namespace lifeboat::server {
namespace {

TEST(ServerConfig, DefaultsWhenEmpty) {
  auto config = parse_server_config("", "empty.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->listen, "127.0.0.1:8750");
  EXPECT_EQ(config->workers, 4);
  EXPECT_TRUE(config->rules.empty());
  EXPECT_EQ(ServerConfig::default_rules().size(), 2u);
  EXPECT_TRUE(validate_server_config(*config).is_ok());
}

TEST(ServerConfig, ReadsEverySetting) {
  auto config = parse_server_config(R"(
listen = "0.0.0.0:9000"
token_file = "/etc/lifeboat/token"
data_dir = "/var/lib/lifeboat"
workflow = "/etc/lifeboat/recovery.asl.json"
workers = 8
per_volume_concurrency = 3
max_body_bytes = 4096
log_format = "json"

[[volumes]]
id = "fs-0abc"
path = "/mnt/efs"

[[rules]]
name = "only-demo"
pattern = '{"detail": {"requestParameters": {"domainId": ["d-demo"]}}}'

[[rules]]
name = "inline"
pattern = { source = ["platform.local"] }

[transfer]
overwrite = "older"
verify = "all"

[http]
max_connections = 32
max_request_line_bytes = 4096
max_header_bytes = 8192
max_headers = 50
idle_timeout_seconds = 5
read_timeout_seconds = 2
write_timeout_seconds = 3
handler_threads = 2
handler_queue = 16
)",
                                    "full.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->listen, "0.0.0.0:9000");
  EXPECT_EQ(config->workers, 8);
  EXPECT_EQ(config->per_volume_concurrency, 3);
  EXPECT_EQ(config->max_body_bytes, 4096);
  EXPECT_EQ(config->log_format, "json");
  EXPECT_EQ(config->volumes.at("fs-0abc"), "/mnt/efs");
  ASSERT_EQ(config->rules.size(), 2u);
  EXPECT_EQ(config->rules[0].name, "only-demo");
  EXPECT_EQ(config->rules[1].pattern["source"][0], "platform.local");
  EXPECT_EQ(config->transfer_defaults["overwrite"], "older");
  EXPECT_EQ(config->http.max_connections, 32);
  EXPECT_EQ(config->http.max_request_line_bytes, 4096u);
  EXPECT_EQ(config->http.max_header_bytes, 8192u);
  EXPECT_EQ(config->http.max_headers, 50u);
  EXPECT_EQ(config->http.idle_timeout, std::chrono::seconds(5));
  EXPECT_EQ(config->http.read_timeout, std::chrono::seconds(2));
  EXPECT_EQ(config->http.write_timeout, std::chrono::seconds(3));
  EXPECT_EQ(config->http.handler_threads, 2);
  EXPECT_EQ(config->http.handler_queue, 16u);
}

TEST(ServerConfig, HttpLimitsDefaultWhenAbsent) {
  auto config = parse_server_config("[http]\nmax_connections = 9\n", "h.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const HttpLimits defaults;
  EXPECT_EQ(config->http.max_connections, 9);
  EXPECT_EQ(config->http.max_header_bytes, defaults.max_header_bytes);
  EXPECT_EQ(config->http.read_timeout, defaults.read_timeout);
}

TEST(ServerConfig, VolumesAsPlainTable) {
  auto config = parse_server_config("[volumes]\nhome = \"/srv/home\"\n", "v.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->volumes.at("home"), "/srv/home");
}

void expect_refused(const std::string& text, const std::string& needle) {
  auto config = parse_server_config(text, "bad.toml");
  ASSERT_FALSE(config.is_ok()) << text;
  EXPECT_EQ(config.status().code(), core::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find(needle), std::string::npos) << config.status().message();
  EXPECT_NE(config.status().message().find("bad.toml"), std::string::npos)
      << config.status().message();
}

TEST(ServerConfig, RefusesUnknownKeysAndBadValuesNamingThem) {
  expect_refused("listn = \"x:1\"\n", "listn");
  expect_refused("workers = 0\n", "workers");
  expect_refused("workers = \"four\"\n", "workers");
  expect_refused("listen = \"nohost\"\n", "listen");
  expect_refused("listen = \"h:99999\"\n", "listen");
  expect_refused("log_format = \"xml\"\n", "log_format");
  expect_refused("[[volumes]]\nid = \"a\"\n", "volumes[0]");
  expect_refused("[[volumes]]\nid = \"a\"\npath = \"/x\"\nsize = 3\n", "volumes[0].size");
  expect_refused("[[rules]]\nname = \"r\"\npattern = '{\"source\": []}'\n", "rule 'r'");
  expect_refused("[[rules]]\nname = \"r\"\npattern = '{not json'\n", "rules[0].pattern");
  expect_refused("[transfer]\noverwrite = \"sometimes\"\n", "transfer");
  expect_refused("listen = \n", "bad.toml:1");
}

TEST(ServerConfig, SecurityExceptionsAreOffUnlessSetExplicitly) {
  EXPECT_FALSE(parse_server_config("", "empty.toml")->allow_root_owner);
  auto config = parse_server_config("[security]\nallow_root_owner = true\n", "s.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_TRUE(config->allow_root_owner);
  expect_refused("[security]\nallow_root_owner = \"yes\"\n", "security.allow_root_owner");
  expect_refused("[security]\nallow_everything = true\n", "security.allow_everything");
  expect_refused("security = 1\n", "security");
}

TEST(ServerConfig, DefaultRulesCompileAndValidate) {
  ServerConfig config;
  config.rules = ServerConfig::default_rules();
  EXPECT_TRUE(validate_server_config(config).is_ok());
}

TEST(ServerConfig, RefusesHttpValuesOutOfRangeNamingTheKeyAndRange) {
  expect_refused("[http]\nmax_connections = 0\n", "http.max_connections");
  expect_refused("[http]\nmax_connections = 0\n", "from 1 to 100000");
  expect_refused("[http]\nmax_headers = -1\n", "http.max_headers");
  expect_refused("[http]\nmax_header_bytes = 100\n", "http.max_header_bytes");
  expect_refused("[http]\nmax_request_line_bytes = 4096\nmax_header_bytes = 2048\n",
                 "http.max_request_line_bytes");
  expect_refused("[http]\nidle_timeout_seconds = 0\n", "http.idle_timeout_seconds");
  expect_refused("[http]\nread_timeout_seconds = 3601\n", "http.read_timeout_seconds");
  expect_refused("[http]\nwrite_timeout_seconds = \"10\"\n", "http.write_timeout_seconds");
  expect_refused("[http]\nhandler_threads = 65\n", "http.handler_threads");
  expect_refused("[http]\nhandler_queue = 0\n", "http.handler_queue");
  expect_refused("[http]\nmax_conections = 5\n", "http.max_conections");
  expect_refused("http = 5\n", "'http'");
}

TEST(ServerConfig, PlatformTableDefaultsToLocalAndReadsEveryKey) {
  auto empty = parse_server_config("", "empty.toml");
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty->platform.kind, "local");
  EXPECT_EQ(empty->platform.reconcile_interval_seconds, 60);
  EXPECT_EQ(empty->platform.home_wait_seconds, 30 * 24 * 3600);
  auto config = parse_server_config(R"([platform]
kind = "sagemaker"
region = "eu-west-1"
endpoint_url = "https://api.sagemaker.eu-west-1.amazonaws.com"
profile = "lifeboat"
domains = ["d-abc123", "research"]
reconcile_interval_seconds = 0
enrich_timeout_seconds = 7200
home_wait_seconds = 86400
volume_path_template = "/mnt/efs/{volume_id}"
)",
                                    "p.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  const auto& p = config->platform;
  EXPECT_TRUE(p.is_sagemaker());
  EXPECT_EQ(p.region, "eu-west-1");
  EXPECT_EQ(p.profile, "lifeboat");
  EXPECT_EQ(p.domains, (std::vector<std::string>{"d-abc123", "research"}));
  EXPECT_EQ(p.reconcile_interval_seconds, 0);
  EXPECT_EQ(p.enrich_timeout_seconds, 7200);
  EXPECT_EQ(p.home_wait_seconds, 86400);
  EXPECT_EQ(p.volume_path_template, "/mnt/efs/{volume_id}");
}

TEST(ServerConfig, RefusesBadPlatformValuesNamingTheKey) {
  expect_refused("[platform]\nkind = \"sagemakr\"\n", "platform.kind");
  expect_refused("[platform]\nregion = \"US East\"\n", "platform.region");
  expect_refused("[platform]\nendpoint_url = \"ftp://x\"\n", "platform.endpoint_url");
  expect_refused("[platform]\ndomains = \"d-1\"\n", "platform.domains");
  expect_refused("[platform]\ndomains = [\"a/b\"]\n", "platform.domains");
  expect_refused("[platform]\nreconcile_interval_seconds = -1\n",
                 "platform.reconcile_interval_seconds");
  expect_refused("[platform]\nhome_wait_seconds = 99999999999\n", "platform.home_wait_seconds");
  expect_refused("[platform]\nvolume_path_template = \"relative/{volume_id}\"\n",
                 "platform.volume_path_template");
  expect_refused("[platform]\nvolume_path_template = \"/mnt/efs\"\n",
                 "platform.volume_path_template");
  expect_refused("[platform]\nregoin = \"us-east-1\"\n", "platform.regoin");
  expect_refused("platform = \"sagemaker\"\n", "platform");
}

TEST(ServerConfig, ReadsSqsQueuesWithDefaults) {
  auto config = parse_server_config(R"(
[[intake.sqs]]
queue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/lifeboat-events"

[[intake.sqs]]
queue_url = "http://127.0.0.1:4566/000000000000/local.fifo"
region = "us-east-1"
endpoint_url = "http://127.0.0.1:4566"
profile = "lifeboat"
max_messages = 3
visibility_timeout_seconds = 120
)",
                                    "sqs.toml");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  ASSERT_EQ(config->sqs_queues.size(), 2u);
  const auto& first = config->sqs_queues[0];
  EXPECT_EQ(first.queue_url, "https://sqs.eu-west-1.amazonaws.com/123456789012/lifeboat-events");
  EXPECT_EQ(first.region, "");
  EXPECT_EQ(first.max_messages, 10);
  EXPECT_EQ(first.visibility_timeout_seconds, 60);
  const auto& second = config->sqs_queues[1];
  EXPECT_EQ(second.region, "us-east-1");
  EXPECT_EQ(second.endpoint_url, "http://127.0.0.1:4566");
  EXPECT_EQ(second.profile, "lifeboat");
  EXPECT_EQ(second.max_messages, 3);
  EXPECT_EQ(second.visibility_timeout_seconds, 120);
}

TEST(ServerConfig, RefusesBadSqsQueuesNamingTheKey) {
  const std::string url = "queue_url = \"https://sqs.us-east-1.amazonaws.com/1/q\"\n";
  expect_refused("[[intake.sqs]]\nregion = \"us-east-1\"\n", "intake.sqs[0].queue_url");
  expect_refused("[[intake.sqs]]\nqueue_url = \"sqs.us-east-1.amazonaws.com/1/q\"\n",
                 "intake.sqs[0].queue_url");
  expect_refused("[[intake.sqs]]\nqueue_url = \"https://u:p@sqs.us-east-1.amazonaws.com/1/q\"\n",
                 "intake.sqs[0].queue_url");
  expect_refused("[[intake.sqs]]\nqueue_url = \"https://sqs.us-east-1.amazonaws.com/1/q?x=1\"\n",
                 "intake.sqs[0].queue_url");
  expect_refused("[[intake.sqs]]\nqueue_url = \"https://sqs.us-east-1.amazonaws.com/q\"\n",
                 "intake.sqs[0].queue_url");
  expect_refused("[[intake.sqs]]\nqueue_url = \"https://sqs.us-east-1.amazonaws.com/1/a/b\"\n",
                 "intake.sqs[0].queue_url");
  expect_refused("[[intake.sqs]]\n" + url + "max_messages = 11\n", "intake.sqs[0].max_messages");
  expect_refused("[[intake.sqs]]\n" + url + "max_messages = 0\n", "intake.sqs[0].max_messages");
  expect_refused("[[intake.sqs]]\n" + url + "visibility_timeout_seconds = 1\n",
                 "intake.sqs[0].visibility_timeout_seconds");
  expect_refused("[[intake.sqs]]\n" + url + "visibility_timeout_seconds = 43201\n",
                 "intake.sqs[0].visibility_timeout_seconds");
  expect_refused("[[intake.sqs]]\n" + url + "region = \"US East\"\n", "intake.sqs[0].region");
  expect_refused("[[intake.sqs]]\n" + url + "endpoint_url = \"ftp://x\"\n",
                 "intake.sqs[0].endpoint_url");
  expect_refused("[[intake.sqs]]\n" + url + "wait_time = 3\n", "intake.sqs[0].wait_time");
  expect_refused("[[intake.sqs]]\n" + url + "[[intake.sqs]]\n" + url, "intake.sqs[1].queue_url");
  expect_refused("[intake]\nsqs = \"x\"\n", "intake.sqs");
  expect_refused("[intake]\nkinesis = []\n", "intake.kinesis");
}

TEST(ServerConfig, QueueUrlGivesEndpointAndRegion) {
  auto parts = parse_queue_url("https://sqs.eu-west-1.amazonaws.com/123456789012/events");
  ASSERT_TRUE(parts.is_ok()) << parts.status().to_string();
  EXPECT_EQ(parts->endpoint, "https://sqs.eu-west-1.amazonaws.com");
  EXPECT_EQ(parts->region, "eu-west-1");
  EXPECT_EQ(parts->account, "123456789012");
  EXPECT_EQ(parts->name, "events");
  auto local = parse_queue_url("http://127.0.0.1:9324/000000000000/q");
  ASSERT_TRUE(local.is_ok()) << local.status().to_string();
  EXPECT_EQ(local->endpoint, "http://127.0.0.1:9324");
  EXPECT_EQ(local->region, "");
  auto cn = parse_queue_url("https://sqs.cn-north-1.amazonaws.com.cn/1/q");
  ASSERT_TRUE(cn.is_ok());
  EXPECT_EQ(cn->region, "cn-north-1");
  EXPECT_FALSE(parse_queue_url("https://sqs.us-east-1.amazonaws.com/1/q#f").is_ok());
  EXPECT_FALSE(parse_queue_url("https://sqs.us-east-1.amazonaws.com/1/q\r\nX: y").is_ok());
  EXPECT_FALSE(
      parse_queue_url("https://sqs.us-east-1.amazonaws.com/1/" + std::string(3000, 'a')).is_ok());
}

// The example shipped for administrators is a valid config.
TEST(ServerConfig, ThePackagedExampleLoads) {
  auto config =
      load_server_config(std::string(LIFEBOAT_SOURCE_DIR) + "/packaging/lifeboat.toml.example");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->platform.kind, "local");
}

}  // namespace
}  // namespace lifeboat::server

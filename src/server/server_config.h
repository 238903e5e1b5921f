// ServerConfig: everything `lifeboat serve` is told, from a TOML file and/or flags.
//
// Every setting has a default; a file may set any subset. An unknown key or a value of the
// wrong type or range stops the start with a message naming the key (and the file). Flags
// given on the command line override the file (apply_overrides). A plain value type.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/result.h"
#include "platform/platform_settings.h"
#include "server/http_limits.h"
#include "server/sqs_queue_settings.h"

namespace lifeboat::server {

//! One event rule: an EventBridge pattern (JSON) and the name it is logged under.
struct EventRule {
  std::string name;
  core::Json pattern;
};

//! [cluster]: how this daemon shares a store with others (docs/architecture.md, "Many
//! hosts"). Every daemon on one store needs its own node_id.
struct ClusterSettings {
  std::string node_id;                    //!< this daemon's name in leases; empty: the host name
  std::int64_t lease_seconds = 30;        //!< a lease not renewed for this long is taken over
  std::int64_t poll_milliseconds = 1000;  //!< how often an idle daemon looks for due work
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8750";  //!< HOST:PORT of the HTTP API
  std::string token_file;  //!< file holding the API token; empty: api-token beside the store
  std::string data_dir;    //!< store location (ignored when `store` is set)
  std::string store;       //!< store URL (sqlite:///…, postgresql://…)
  std::string workflow;    //!< ASL file; empty: the shipped recovery workflow
  std::map<std::string, std::string> volumes;  //!< volume id -> mount path
  std::vector<EventRule> rules;                //!< which events count; empty: default_rules()
  int workers = 4;                             //!< executions run at once
  int per_volume_concurrency = 2;              //!< copies at once into one target volume
  std::int64_t max_body_bytes = 1 << 20;       //!< larger request bodies get 413
  std::string log_format = "text";             //!< text | json
  core::Json transfer_defaults = core::Json::object();  //!< CopyOptions JSON for recoveries
  //! [security] allow_root_owner: events may name uid/gid 0 as a home's owner.
  bool allow_root_owner = false;
  HttpLimits http;  //!< [http]: what one HTTP client may cost (sizes, timeouts, threads)
  //! [platform]: local (events carry homes) or sagemaker (enrichment, reconciling).
  platform::PlatformSettings platform;
  ClusterSettings cluster;
  //! [[intake.sqs]]: queues `serve` long-polls for events (README "SQS intake").
  std::vector<SqsQueueSettings> sqs_queues;

  //! The reference design's rule (CloudTrail SageMaker lifecycle calls via EventBridge)
  //! plus one for the CloudEvents envelope.
  static std::vector<EventRule> default_rules();
};

//! Reads and checks a TOML file. InvalidArgument names the file, the key and the problem.
core::Result<ServerConfig> load_server_config(const std::string& path);

//! Parses TOML text (`origin` names it in messages).
core::Result<ServerConfig> parse_server_config(std::string_view toml_text,
                                               const std::string& origin);

//! Checks the cross-field rules (listen address form, positive counts, rules compile,
//! transfer defaults are valid copy options). Called by the two functions above and again
//! after flags are applied.
core::Status validate_server_config(const ServerConfig& config);

}  // namespace lifeboat::server

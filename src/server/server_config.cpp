#include "server/server_config.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "core/file_text.h"
#include "ingest/event_pattern.h"
#include "transfer/copy_options.h"

namespace lifeboat::server {
namespace {

using core::Json;
using core::Result;
using core::Status;

Status bad(const std::string& origin, std::string_view key, std::string_view problem) {
  return Status::invalid_argument(fmt::format("{}: setting '{}' {}", origin, key, problem));
}

// TOML values (of a [transfer] table or an inline pattern) as JSON.
Json toml_to_json(const toml::node& node) {
  if (const auto* t = node.as_table()) {
    Json obj = Json::object();
    for (const auto& [k, v] : *t) obj[std::string(k.str())] = toml_to_json(v);
    return obj;
  }
  if (const auto* a = node.as_array()) {
    Json arr = Json::array();
    for (const auto& v : *a) arr.push_back(toml_to_json(v));
    return arr;
  }
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* b = node.as_boolean()) return b->get();
  // Dates and times mean nothing in these settings; the caller's check names the key.
  return "(a TOML date/time)";
}

Result<std::string> get_string(const toml::node& v, const std::string& origin,
                               std::string_view key) {
  if (const auto* s = v.as_string()) return s->get();
  return bad(origin, key, "must be a string");
}

Result<std::int64_t> get_positive(const toml::node& v, const std::string& origin,
                                  std::string_view key) {
  const auto* i = v.as_integer();
  if (i == nullptr || i->get() < 1) return bad(origin, key, "must be a positive integer");
  return i->get();
}

// [security]: what the administrator lets events decide (docs/security.md).
Status parse_security(const toml::node& node, const std::string& origin, ServerConfig& config) {
  const auto* t = node.as_table();
  if (t == nullptr) return bad(origin, "security", "must be a table ([security])");
  for (const auto& [k, v] : *t) {
    const std::string key = fmt::format("security.{}", k.str());
    if (k.str() == "allow_root_owner") {
      const auto* b = v.as_boolean();
      if (b == nullptr) return bad(origin, key, "must be true or false");
      config.allow_root_owner = b->get();
    } else {
      return bad(origin, key, "is not a known setting (known: allow_root_owner)");
    }
  }
  return Status::ok();
}

// One [http] key: an integer in [min, max], with the range in the message.
Result<std::int64_t> get_in_range(const toml::node& v, const std::string& origin,
                                  std::string_view key, std::int64_t min, std::int64_t max) {
  const auto* i = v.as_integer();
  if (i == nullptr || i->get() < min || i->get() > max) {
    return bad(origin, key, fmt::format("must be an integer from {} to {}", min, max));
  }
  return i->get();
}

Status parse_cluster(const toml::node& node, const std::string& origin, ClusterSettings& cluster) {
  const auto* t = node.as_table();
  if (t == nullptr) return bad(origin, "cluster", "must be a table ([cluster])");
  for (const auto& [k, v] : *t) {
    const std::string name(k.str());
    const std::string key = "cluster." + name;
    if (name == "node_id") {
      LIFEBOAT_ASSIGN_OR_RETURN(cluster.node_id, get_string(v, origin, key));
      if (cluster.node_id.empty() || cluster.node_id.size() > 200) {
        return bad(origin, key, "must be 1 to 200 characters");
      }
    } else if (name == "lease_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(cluster.lease_seconds, get_in_range(v, origin, key, 3, 3600));
    } else if (name == "poll_milliseconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(cluster.poll_milliseconds, get_in_range(v, origin, key, 50, 60000));
    } else {
      return bad(origin, key,
                 "is not a known setting (known: node_id, lease_seconds, poll_milliseconds)");
    }
  }
  return Status::ok();
}

Status parse_http(const toml::node& node, const std::string& origin, HttpLimits& limits) {
  const auto* t = node.as_table();
  if (t == nullptr) return bad(origin, "http", "must be a table ([http])");
  for (const auto& [k, v] : *t) {
    const std::string name(k.str());
    const std::string key = "http." + name;
    if (name == "max_connections") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, 100000));
      limits.max_connections = static_cast<int>(n);
    } else if (name == "max_request_line_bytes") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 256, 1 << 20));
      limits.max_request_line_bytes = static_cast<std::size_t>(n);
    } else if (name == "max_header_bytes") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1024, 1 << 20));
      limits.max_header_bytes = static_cast<std::size_t>(n);
    } else if (name == "max_headers") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, 10000));
      limits.max_headers = static_cast<std::size_t>(n);
    } else if (name == "idle_timeout_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, 3600));
      limits.idle_timeout = std::chrono::seconds(n);
    } else if (name == "read_timeout_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, 3600));
      limits.read_timeout = std::chrono::seconds(n);
    } else if (name == "write_timeout_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, 3600));
      limits.write_timeout = std::chrono::seconds(n);
    } else if (name == "handler_threads") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, 64));
      limits.handler_threads = static_cast<int>(n);
    } else if (name == "handler_queue") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, 100000));
      limits.handler_queue = static_cast<std::size_t>(n);
    } else {
      return bad(origin, key,
                 "is not a known setting (known: max_connections, max_request_line_bytes, "
                 "max_header_bytes, max_headers, idle_timeout_seconds, read_timeout_seconds, "
                 "write_timeout_seconds, handler_threads, handler_queue)");
    }
  }
  if (limits.max_request_line_bytes > limits.max_header_bytes) {
    return bad(origin, "http.max_request_line_bytes",
               fmt::format("({}) must not exceed http.max_header_bytes ({}): the request line "
                           "is part of the header block",
                           limits.max_request_line_bytes, limits.max_header_bytes));
  }
  return Status::ok();
}

// [platform]: which platform, how to reach it, what to watch (platform_settings.h).
Status parse_platform(const toml::node& node, const std::string& origin,
                      platform::PlatformSettings& s) {
  const auto* t = node.as_table();
  if (t == nullptr) return bad(origin, "platform", "must be a table ([platform])");
  for (const auto& [k, v] : *t) {
    const std::string name(k.str());
    const std::string key = "platform." + name;
    if (name == "kind") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.kind, get_string(v, origin, key));
    } else if (name == "region") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.region, get_string(v, origin, key));
    } else if (name == "endpoint_url") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.endpoint_url, get_string(v, origin, key));
    } else if (name == "profile") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.profile, get_string(v, origin, key));
    } else if (name == "volume_path_template") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.volume_path_template, get_string(v, origin, key));
    } else if (name == "domains") {
      const auto* arr = v.as_array();
      if (arr == nullptr) return bad(origin, key, "must be an array of domain ids or names");
      s.domains.clear();
      for (const auto& item : *arr) {
        const auto* str = item.as_string();
        if (str == nullptr) return bad(origin, key, "must be an array of domain ids or names");
        s.domains.push_back(str->get());
      }
    } else if (name == "reconcile_interval_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.reconcile_interval_seconds,
                                get_in_range(v, origin, key, 0, 86400));
    } else if (name == "enrich_timeout_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.enrich_timeout_seconds,
                                get_in_range(v, origin, key, 1, 7 * 86400));
    } else if (name == "home_wait_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(s.home_wait_seconds, get_in_range(v, origin, key, 0, 365 * 86400));
    } else {
      return bad(origin, key,
                 "is not a known setting (known: kind, region, endpoint_url, profile, domains, "
                 "reconcile_interval_seconds, enrich_timeout_seconds, home_wait_seconds, "
                 "volume_path_template)");
    }
  }
  return Status::ok();
}

// [[intake.sqs]]: one table per queue (sqs_queue_settings.h).
Status parse_sqs_queue(const toml::node& node, const std::string& origin, const std::string& where,
                       SqsQueueSettings& q) {
  const auto* t = node.as_table();
  if (t == nullptr) return bad(origin, where, "must be a table ([[intake.sqs]])");
  for (const auto& [k, v] : *t) {
    const std::string name(k.str());
    const std::string key = fmt::format("{}.{}", where, name);
    if (name == "queue_url") {
      LIFEBOAT_ASSIGN_OR_RETURN(q.queue_url, get_string(v, origin, key));
    } else if (name == "region") {
      LIFEBOAT_ASSIGN_OR_RETURN(q.region, get_string(v, origin, key));
    } else if (name == "endpoint_url") {
      LIFEBOAT_ASSIGN_OR_RETURN(q.endpoint_url, get_string(v, origin, key));
    } else if (name == "profile") {
      LIFEBOAT_ASSIGN_OR_RETURN(q.profile, get_string(v, origin, key));
    } else if (name == "max_messages") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_in_range(v, origin, key, 1, kMaxSqsMessagesPerReceive));
      q.max_messages = static_cast<int>(n);
    } else if (name == "visibility_timeout_seconds") {
      LIFEBOAT_ASSIGN_OR_RETURN(
          q.visibility_timeout_seconds,
          get_in_range(v, origin, key, kMinSqsVisibilitySeconds, kMaxSqsVisibilitySeconds));
    } else {
      return bad(origin, key,
                 "is not a known setting (known: queue_url, region, endpoint_url, profile, "
                 "max_messages, visibility_timeout_seconds)");
    }
  }
  return Status::ok();
}

Status parse_intake(const toml::node& node, const std::string& origin, ServerConfig& config) {
  const auto* t = node.as_table();
  if (t == nullptr) return bad(origin, "intake", "must be a table ([[intake.sqs]] entries)");
  for (const auto& [k, v] : *t) {
    if (k.str() != "sqs") {
      return bad(origin, fmt::format("intake.{}", k.str()), "is not a known setting (known: sqs)");
    }
    const auto* arr = v.as_array();
    if (arr == nullptr)
      return bad(origin, "intake.sqs", "must be an array of tables ([[intake.sqs]])");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      SqsQueueSettings queue;
      LIFEBOAT_RETURN_IF_ERROR(
          parse_sqs_queue((*arr)[i], origin, fmt::format("intake.sqs[{}]", i), queue));
      config.sqs_queues.push_back(std::move(queue));
    }
  }
  return Status::ok();
}

Status parse_volumes(const toml::node& node, const std::string& origin, ServerConfig& config) {
  // Either [volumes] id = "path" or [[volumes]] id = "…", path = "…".
  if (const auto* t = node.as_table()) {
    for (const auto& [k, v] : *t) {
      std::string key = fmt::format("volumes.{}", k.str());
      LIFEBOAT_ASSIGN_OR_RETURN(config.volumes[std::string(k.str())], get_string(v, origin, key));
    }
    return Status::ok();
  }
  const auto* arr = node.as_array();
  if (arr == nullptr) return bad(origin, "volumes", "must be a table or an array of tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string where = fmt::format("volumes[{}]", i);
    const auto* t = (*arr)[i].as_table();
    if (t == nullptr) return bad(origin, where, "must be a table with id and path");
    std::string id, path;
    for (const auto& [k, v] : *t) {
      std::string key = fmt::format("{}.{}", where, k.str());
      if (k.str() == "id") {
        LIFEBOAT_ASSIGN_OR_RETURN(id, get_string(v, origin, key));
      } else if (k.str() == "path") {
        LIFEBOAT_ASSIGN_OR_RETURN(path, get_string(v, origin, key));
      } else {
        return bad(origin, key, "is not a known setting (expected id, path)");
      }
    }
    if (id.empty() || path.empty()) return bad(origin, where, "needs both id and path");
    config.volumes[id] = path;
  }
  return Status::ok();
}

Status parse_rules(const toml::node& node, const std::string& origin, ServerConfig& config) {
  const auto* arr = node.as_array();
  if (arr == nullptr) return bad(origin, "rules", "must be an array of tables ([[rules]])");
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string where = fmt::format("rules[{}]", i);
    const auto* t = (*arr)[i].as_table();
    if (t == nullptr) return bad(origin, where, "must be a table with name and pattern");
    EventRule rule;
    rule.name = fmt::format("rule-{}", i + 1);
    bool have_pattern = false;
    for (const auto& [k, v] : *t) {
      std::string key = fmt::format("{}.{}", where, k.str());
      if (k.str() == "name") {
        LIFEBOAT_ASSIGN_OR_RETURN(rule.name, get_string(v, origin, key));
      } else if (k.str() == "pattern") {
        // A pattern is JSON text (paste it from the AWS console) or an inline TOML table.
        if (const auto* s = v.as_string()) {
          auto parsed = core::parse_json(s->get(), fmt::format("{}: {}", origin, key));
          if (!parsed.is_ok()) return parsed.status();
          rule.pattern = *parsed;
        } else if (v.is_table()) {
          rule.pattern = toml_to_json(v);
        } else {
          return bad(origin, key, "must be JSON text or a table");
        }
        have_pattern = true;
      } else {
        return bad(origin, key, "is not a known setting (expected name, pattern)");
      }
    }
    if (!have_pattern) return bad(origin, where, "has no pattern");
    config.rules.push_back(std::move(rule));
  }
  return Status::ok();
}

}  // namespace

std::vector<EventRule> ServerConfig::default_rules() {
  return {
      {"sagemaker-cloudtrail", Json{{"source", {"aws.sagemaker"}},
                                    {"detail-type", {"AWS API Call via CloudTrail"}},
                                    {"detail",
                                     {{"eventSource", {"sagemaker.amazonaws.com"}},
                                      {"eventName",
                                       {"CreateDomain", "DeleteDomain", "CreateUserProfile",
                                        "DeleteUserProfile", "CreateSpace", "DeleteSpace"}}}}}},
      {"cloudevents-lifecycle", Json{{"specversion", {"1.0"}},
                                     {"type",
                                      {"CreateDomain", "DeleteDomain", "CreateUserProfile",
                                       "DeleteUserProfile", "CreateSpace", "DeleteSpace"}}}},
  };
}

Result<ServerConfig> parse_server_config(std::string_view toml_text, const std::string& origin) {
  // Debian's toml++ is built with exceptions; they stop here and become a Status.
  toml::table parsed;
  try {
    parsed = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& err) {
    return Status::invalid_argument(fmt::format("{}:{}:{}: {}", origin, err.source().begin.line,
                                                err.source().begin.column, err.description()));
  }
  ServerConfig config;
  for (const auto& [k, v] : parsed) {
    std::string key(k.str());
    if (key == "listen") {
      LIFEBOAT_ASSIGN_OR_RETURN(config.listen, get_string(v, origin, key));
    } else if (key == "token_file") {
      LIFEBOAT_ASSIGN_OR_RETURN(config.token_file, get_string(v, origin, key));
    } else if (key == "data_dir") {
      LIFEBOAT_ASSIGN_OR_RETURN(config.data_dir, get_string(v, origin, key));
    } else if (key == "store") {
      LIFEBOAT_ASSIGN_OR_RETURN(config.store, get_string(v, origin, key));
    } else if (key == "workflow") {
      LIFEBOAT_ASSIGN_OR_RETURN(config.workflow, get_string(v, origin, key));
    } else if (key == "log_format") {
      LIFEBOAT_ASSIGN_OR_RETURN(config.log_format, get_string(v, origin, key));
    } else if (key == "workers") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_positive(v, origin, key));
      config.workers = static_cast<int>(n);
    } else if (key == "per_volume_concurrency") {
      LIFEBOAT_ASSIGN_OR_RETURN(auto n, get_positive(v, origin, key));
      config.per_volume_concurrency = static_cast<int>(n);
    } else if (key == "max_body_bytes") {
      LIFEBOAT_ASSIGN_OR_RETURN(config.max_body_bytes, get_positive(v, origin, key));
    } else if (key == "volumes") {
      LIFEBOAT_RETURN_IF_ERROR(parse_volumes(v, origin, config));
    } else if (key == "rules") {
      LIFEBOAT_RETURN_IF_ERROR(parse_rules(v, origin, config));
    } else if (key == "transfer") {
      if (!v.is_table()) return bad(origin, key, "must be a table ([transfer])");
      config.transfer_defaults = toml_to_json(v);
    } else if (key == "security") {
      LIFEBOAT_RETURN_IF_ERROR(parse_security(v, origin, config));
    } else if (key == "http") {
      LIFEBOAT_RETURN_IF_ERROR(parse_http(v, origin, config.http));
    } else if (key == "platform") {
      LIFEBOAT_RETURN_IF_ERROR(parse_platform(v, origin, config.platform));
    } else if (key == "cluster") {
      LIFEBOAT_RETURN_IF_ERROR(parse_cluster(v, origin, config.cluster));
    } else if (key == "intake") {
      LIFEBOAT_RETURN_IF_ERROR(parse_intake(v, origin, config));
    } else {
      return bad(origin, key,
                 "is not a known setting (known: listen, token_file, data_dir, store, workflow, "
                 "log_format, workers, per_volume_concurrency, max_body_bytes, volumes, rules, "
                 "transfer, security, http, platform, cluster, intake)");
    }
  }
  Status st = validate_server_config(config);
  if (!st.is_ok()) return st.with_context(origin);
  return config;
}

Result<ServerConfig> load_server_config(const std::string& path) {
  LIFEBOAT_ASSIGN_OR_RETURN(std::string text, core::read_file_text(path, "config file (--config)"));
  return parse_server_config(text, path);
}

Status validate_server_config(const ServerConfig& config) {
  auto colon = config.listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == config.listen.size()) {
    return Status::invalid_argument(fmt::format(
        "setting 'listen' is '{}'; expected HOST:PORT, e.g. 127.0.0.1:8750", config.listen));
  }
  const std::string port_text = config.listen.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5 ||
      std::stoi(port_text) > 65535) {
    return Status::invalid_argument(
        fmt::format("setting 'listen' has port '{}'; expected 0-65535", port_text));
  }
  if (config.log_format != "text" && config.log_format != "json") {
    return Status::invalid_argument(
        fmt::format("setting 'log_format' is '{}'; expected text or json", config.log_format));
  }
  if (config.workers < 1 || config.per_volume_concurrency < 1 || config.max_body_bytes < 1) {
    return Status::invalid_argument(
        "settings 'workers', 'per_volume_concurrency' and 'max_body_bytes' must be positive");
  }
  std::set<std::string> names;
  for (const auto& rule : config.rules) {
    if (!names.insert(rule.name).second) {
      return Status::invalid_argument(fmt::format("rule name '{}' is used twice", rule.name));
    }
    auto compiled = ingest::EventPattern::compile(rule.pattern);
    if (!compiled.is_ok())
      return compiled.status().with_context(fmt::format("rule '{}'", rule.name));
  }
  LIFEBOAT_RETURN_IF_ERROR(platform::validate_platform_settings(config.platform));
  std::set<std::string> queue_urls;
  for (std::size_t i = 0; i < config.sqs_queues.size(); ++i) {
    LIFEBOAT_RETURN_IF_ERROR(validate_sqs_queue_settings(config.sqs_queues[i], i));
    if (!queue_urls.insert(config.sqs_queues[i].queue_url).second) {
      return Status::invalid_argument(fmt::format(
          "setting 'intake.sqs[{}].queue_url' names a queue listed before it; list each queue "
          "once",
          i));
    }
  }
  auto opts = transfer::CopyOptions::from_json(config.transfer_defaults);
  if (!opts.is_ok()) return opts.status().with_context("setting 'transfer'");
  return Status::ok();
}

}  // namespace lifeboat::server

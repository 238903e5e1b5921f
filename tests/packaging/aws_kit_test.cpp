// The AWS deployment kit (packaging/aws/lifeboat.cfn.json, README "Running on AWS") kept
// honest against the code: the managed policy grants exactly the operations the AWS client
// may call (aws::ServiceInfo::operations), the rule's pattern matches a CloudTrail record of
// every call Lifeboat handles and none of the others (through `lifeboat events test-pattern`,
// the same matcher the daemon runs), and the queue wiring is the one the README describes.
// Debian 12 has no cfn-lint, so the template's references are checked here too.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aws/service_info.h"
#include "core/file_text.h"
#include "core/json.h"
#include "core/profile_event.h"
#include "ingest/event_envelope.h"
#include "server/server_config.h"
#include "support/process.h"

namespace lifeboat::testing {
namespace {

using core::Json;

const std::string kTemplatePath =
    std::string(LIFEBOAT_SOURCE_DIR) + "/packaging/aws/lifeboat.cfn.json";
const std::string kSamplesDir = std::string(LIFEBOAT_SOURCE_DIR) + "/tests/data/cloudtrail";

Json load_json(const std::string& path) {
  auto text = core::read_file_text(path, "test data");
  if (!text.is_ok()) throw std::runtime_error(text.status().message());
  auto json = core::parse_json(*text, path);
  if (!json.is_ok()) throw std::runtime_error(json.status().message());
  return *json;
}

const Json& kit() {
  static const Json json = load_json(kTemplatePath);
  return json;
}

const Json& resource(const std::string& name) { return kit().at("Resources").at(name); }

Json get_att(const std::string& name) { return Json{{"Fn::GetAtt", {name, "Arn"}}}; }

// A statement's Action or Resource: one string/object or a list of them, as a list.
std::vector<Json> as_list(const Json& value) {
  if (value.is_array()) return value.get<std::vector<Json>>();
  return {value};
}

std::vector<Json> statements(const std::string& policy_resource) {
  return kit()["Resources"][policy_resource]["Properties"]["PolicyDocument"]["Statement"]
      .get<std::vector<Json>>();
}

// The actions the kit's managed policy allows, as written.
std::multiset<std::string> policy_actions() {
  std::multiset<std::string> out;
  for (const Json& st : statements("LifeboatPolicy")) {
    EXPECT_EQ(st.at("Effect"), "Allow") << st.dump();
    for (const Json& a : as_list(st.at("Action"))) out.insert(a.get<std::string>());
  }
  return out;
}

TEST(AwsKit, PolicyAllowsExactlyTheOperationsTheClientCalls) {
  std::multiset<std::string> expected;
  for (const aws::ServiceInfo& service : {aws::sagemaker_service(), aws::sqs_service()}) {
    ASSERT_FALSE(service.operations.empty()) << service.service_id;
    for (const std::string& op : service.operations) {
      expected.insert(service.signing_name + ":" + op);
    }
  }
  // A multiset: an action granted twice (in two statements) is a defect too.
  EXPECT_EQ(policy_actions(), expected);
  for (const std::string& action : policy_actions()) {
    EXPECT_EQ(action.find('*'), std::string::npos) << "wildcard in " << action;
  }
}

TEST(AwsKit, PolicyResourcesAreAsNarrowAsIamAllows) {
  const std::string own_arn_prefix =
      "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:";
  for (const Json& st : statements("LifeboatPolicy")) {
    EXPECT_FALSE(st.contains("NotAction") || st.contains("NotResource")) << st.dump();
    for (const Json& a : as_list(st.at("Action"))) {
      const std::string action = a.get<std::string>();
      for (const Json& r : as_list(st.at("Resource"))) {
        if (action.rfind("sqs:", 0) == 0) {
          // Only the queue the rule feeds; not the dead-letter queue, not other queues.
          EXPECT_EQ(r, get_att("EventQueue")) << action;
        } else if (action.rfind("sagemaker:List", 0) == 0) {
          // IAM has no resource-level permissions for SageMaker's List calls.
          EXPECT_EQ(r, "*") << action;
        } else {
          ASSERT_TRUE(r.is_object() && r.contains("Fn::Sub")) << action << ": " << r.dump();
          const std::string arn = r["Fn::Sub"].get<std::string>();
          EXPECT_EQ(arn.rfind(own_arn_prefix, 0), 0U) << action << ": " << arn;
          EXPECT_TRUE(
              std::regex_match(arn.substr(own_arn_prefix.size()),
                               std::regex("(domain/\\*|user-profile/\\*/\\*|space/\\*/\\*)")))
              << action << ": " << arn;
        }
      }
    }
  }
}

TEST(AwsKit, RuleTargetsTheQueue) {
  const Json& rule = resource("LifecycleRule");
  EXPECT_EQ(rule["Type"], "AWS::Events::Rule");
  EXPECT_EQ(rule["Properties"]["State"], "ENABLED");
  const Json& targets = rule["Properties"]["Targets"];
  ASSERT_EQ(targets.size(), 1U) << targets.dump();
  EXPECT_EQ(targets[0]["Arn"], get_att("EventQueue"));
  // What EventBridge could not deliver is kept too.
  EXPECT_EQ(targets[0]["DeadLetterConfig"]["Arn"], get_att("DeadLetterQueue"));
}

TEST(AwsKit, QueueRedrivesToTheDeadLetterQueue) {
  const Json& props = resource("EventQueue")["Properties"];
  EXPECT_EQ(props["RedrivePolicy"]["deadLetterTargetArn"], get_att("DeadLetterQueue"));
  const Json& count = props["RedrivePolicy"]["maxReceiveCount"];
  ASSERT_EQ(count, Json({{"Ref", "MaxReceiveCount"}}));
  const Json& param = kit()["Parameters"]["MaxReceiveCount"];
  // One redelivery after a crash between apply and delete must not send an event to the
  // dead-letter queue; an event that can never be applied must get there within minutes.
  EXPECT_GE(param["MinValue"].get<int>(), 2);
  EXPECT_GE(param["Default"].get<int>(), 3);
  EXPECT_LE(param["Default"].get<int>(), 10);
  EXPECT_EQ(props["ReceiveMessageWaitTimeSeconds"], 20);
  // The dead-letter queue keeps a message as long as SQS allows: someone has to read it.
  EXPECT_EQ(resource("DeadLetterQueue")["Properties"]["MessageRetentionPeriod"], 1209600);
}

TEST(AwsKit, QueuePolicyLetsOnlyTheRuleSend) {
  const Json& policy = resource("QueuePolicy");
  EXPECT_EQ(policy["Type"], "AWS::SQS::QueuePolicy");
  const Json queues = policy["Properties"]["Queues"];
  EXPECT_NE(std::find(queues.begin(), queues.end(), Json({{"Ref", "EventQueue"}})), queues.end());
  int allows = 0;
  for (const Json& st : statements("QueuePolicy")) {
    if (st["Effect"] == "Deny") continue;
    ++allows;
    EXPECT_EQ(st["Principal"], Json({{"Service", "events.amazonaws.com"}})) << st.dump();
    EXPECT_EQ(as_list(st["Action"]), std::vector<Json>{"sqs:SendMessage"}) << st.dump();
    EXPECT_EQ(st["Condition"], Json({{"ArnEquals", {{"aws:SourceArn", get_att("LifecycleRule")}}}}))
        << st.dump();
  }
  EXPECT_EQ(allows, 1);
}

TEST(AwsKit, QueuesAreEncrypted) {
  int queues = 0;
  for (const auto& [name, res] : kit()["Resources"].items()) {
    if (res["Type"] != "AWS::SQS::Queue") continue;
    ++queues;
    const Json& props = res["Properties"];
    EXPECT_TRUE(props.value("SqsManagedSseEnabled", false) || props.contains("KmsMasterKeyId"))
        << name << " is not encrypted at rest";
  }
  EXPECT_EQ(queues, 2);
}

TEST(AwsKit, ParametersAreConstrained) {
  for (const auto& [name, param] : kit()["Parameters"].items()) {
    EXPECT_TRUE(param.contains("Description")) << name;
    EXPECT_TRUE(param.contains("Default")) << name;
    if (param["Type"] == "Number") {
      EXPECT_TRUE(param.contains("MinValue") && param.contains("MaxValue")) << name;
    } else {
      EXPECT_TRUE(param.contains("AllowedPattern") || param.contains("AllowedValues")) << name;
    }
  }
}

// Every Ref, Fn::GetAtt, ${Name} in Fn::Sub and Fn::If condition names something the
// template declares (what cfn-lint would check first).
void check_references(const Json& node, const std::set<std::string>& refs,
                      const std::set<std::string>& resources,
                      const std::set<std::string>& conditions) {
  if (node.is_array()) {
    for (const Json& item : node) check_references(item, refs, resources, conditions);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    if (key == "Ref") {
      EXPECT_TRUE(refs.count(value.get<std::string>())) << "Ref to unknown " << value;
    } else if (key == "Fn::GetAtt") {
      EXPECT_TRUE(resources.count(value[0].get<std::string>())) << "GetAtt of unknown " << value;
    } else if (key == "Fn::Sub") {
      const std::string text = value.get<std::string>();
      std::regex var("\\$\\{([^}]*)\\}");
      for (std::sregex_iterator it(text.begin(), text.end(), var), end; it != end; ++it) {
        const std::string name = (*it)[1].str();
        EXPECT_TRUE(refs.count(name) || resources.count(name.substr(0, name.find('.'))))
            << "${" << name << "} in " << text;
      }
    } else if (key == "Fn::If") {
      EXPECT_TRUE(conditions.count(value[0].get<std::string>())) << "unknown condition " << value;
    }
    check_references(value, refs, resources, conditions);
  }
}

TEST(AwsKit, EveryReferenceNamesADeclaredParameterOrResource) {
  std::set<std::string> refs = {"AWS::Partition", "AWS::Region",  "AWS::AccountId",
                                "AWS::StackName", "AWS::NoValue", "AWS::URLSuffix"};
  std::set<std::string> resources, conditions;
  for (const auto& [name, p] : kit()["Parameters"].items()) refs.insert(name);
  for (const auto& [name, r] : kit()["Resources"].items()) {
    refs.insert(name);
    resources.insert(name);
  }
  for (const auto& [name, c] : kit()["Conditions"].items()) conditions.insert(name);
  check_references(kit()["Resources"], refs, resources, conditions);
  check_references(kit()["Outputs"], refs, resources, conditions);
}

const Json& rule_pattern() { return resource("LifecycleRule")["Properties"]["EventPattern"]; }

TEST(AwsKit, RuleSelectsTheCallsTheDaemonsDefaultRuleAccepts) {
  const Json& pattern = rule_pattern();
  EXPECT_EQ(pattern["source"], Json({core::kSageMakerSource}));
  EXPECT_EQ(pattern["detail-type"], Json({"AWS API Call via CloudTrail"}));
  EXPECT_EQ(pattern["detail"]["eventSource"], Json({"sagemaker.amazonaws.com"}));
  std::set<std::string> names;
  for (const Json& n : pattern["detail"]["eventName"]) {
    const std::string name = n.get<std::string>();
    EXPECT_TRUE(core::parse_event_type(name).is_ok())
        << name << " is not an event Lifeboat handles";
    names.insert(name);
  }
  const auto defaults = server::ServerConfig::default_rules();
  auto it = std::find_if(defaults.begin(), defaults.end(), [](const server::EventRule& r) {
    return r.name == "sagemaker-cloudtrail";
  });
  ASSERT_NE(it, defaults.end());
  const auto handled = it->pattern["detail"]["eventName"].get<std::set<std::string>>();
  EXPECT_EQ(names, handled);
}

struct Sample {
  std::string path;
  std::string name;  // the file name without "handled-"/"ignored-" and ".json"
  bool handled = false;
};

std::vector<Sample> samples() {
  std::vector<Sample> out;
  for (const auto& entry : std::filesystem::directory_iterator(kSamplesDir)) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    const bool handled = file.rfind("handled-", 0) == 0;
    const bool ignored = file.rfind("ignored-", 0) == 0;
    EXPECT_TRUE(handled || ignored) << "sample " << file << " must start with handled- or ignored-";
    constexpr std::size_t kPrefix = 8;  // "handled-" and "ignored-"
    out.push_back(
        {entry.path().string(), file.substr(kPrefix, file.size() - kPrefix - 5), handled});
  }
  std::sort(out.begin(), out.end(),
            [](const Sample& a, const Sample& b) { return a.path < b.path; });
  return out;
}

TEST(AwsKit, RuleMatchesASampleOfEveryHandledCallAndNoOther) {
  const std::string pattern = rule_pattern().dump();
  std::set<std::string> handled_names;
  int ignored = 0;
  for (const Sample& s : samples()) {
    auto r =
        run_lifeboat({"events", "test-pattern", "--pattern", pattern, "--event", "@" + s.path});
    if (s.handled) {
      EXPECT_EQ(r.exit_code, 0) << s.path << " should match: " << r.out << r.err;
      // The sample is a record the daemon accepts, of the call its name says.
      auto parsed = ingest::parse_envelope(load_json(s.path));
      ASSERT_TRUE(parsed.is_ok()) << s.path << ": " << parsed.status().message();
      EXPECT_EQ(core::event_type_name(parsed->type), s.name) << s.path;
      handled_names.insert(s.name);
    } else {
      EXPECT_EQ(r.exit_code, 1) << s.path << " should not match: " << r.out << r.err;
      ++ignored;
    }
  }
  EXPECT_EQ(handled_names, rule_pattern()["detail"]["eventName"].get<std::set<std::string>>())
      << "every call in the rule needs a sample under " << kSamplesDir;
  EXPECT_GE(ignored, 5);
}

TEST(AwsKit, FailedCallsAreLeftOutBecauseTheDaemonRefusesThem) {
  // A failed call changed nothing; the daemon refuses the record (event_envelope.h), so the
  // rule must not queue it only for it to end in the dead-letter queue.
  const Json failed = load_json(kSamplesDir + "/ignored-CreateUserProfile-failed.json");
  ASSERT_TRUE(failed["detail"].contains("errorCode"));
  EXPECT_FALSE(ingest::parse_envelope(failed).is_ok());
  Json succeeded = failed;
  succeeded["detail"].erase("errorCode");
  succeeded["detail"].erase("errorMessage");
  auto r = run_lifeboat(
      {"events", "test-pattern", "--pattern", rule_pattern().dump(), "--event", succeeded.dump()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace lifeboat::testing

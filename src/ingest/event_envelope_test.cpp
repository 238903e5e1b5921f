#include "ingest/event_envelope.h"

#include <gtest/gtest.h>

#include "core/time_format.h"

namespace lifeboat::ingest {
namespace {

using core::EventType;

constexpr std::string_view kCloudEvent = R"({
  "specversion": "1.0", "id": "evt-0001", "source": "platform.local",
  "time": "2026-11-29T10:00:00Z", "type": "CreateUserProfile",
  "data": {"domainId": "d-demo", "domainName": "demo", "userProfileName": "user1",
           "homeEfsFileSystemId": "home", "homeEfsFileSystemUid": "200001",
           "ownerUid": 200001, "ownerGid": 1001}})";

constexpr std::string_view kCloudTrail = R"({
  "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "AWS API Call via CloudTrail", "source": "aws.sagemaker",
  "time": "2026-11-29T10:05:00Z", "region": "us-east-1",
  "detail": {"eventVersion": "1.08", "eventSource": "sagemaker.amazonaws.com",
             "eventName": "CreateSpace", "eventID": "ct-1234",
             "eventTime": "2026-11-29T10:04:59Z",
             "requestParameters": {"domainId": "d-abc", "spaceName": "team"},
             "responseElements": {"spaceArn": "arn:aws:sagemaker:us-east-1:1:space/d-abc/team"}}})";

TEST(EventEnvelope, ParsesCloudEvents) {
  auto parsed = parse_envelopes(kCloudEvent, "test");
  ASSERT_TRUE(parsed.is_ok()) << parsed.status().to_string();
  ASSERT_EQ(parsed->size(), 1u);
  const auto& p = parsed->front();
  ASSERT_TRUE(p.event.has_value()) << p.status.to_string();
  const core::ProfileEvent& e = *p.event;
  EXPECT_EQ(e.id, "evt-0001");
  EXPECT_EQ(e.type, EventType::kCreateUserProfile);
  EXPECT_EQ(core::format_rfc3339(e.time), "2026-11-29T10:00:00.000Z");
  EXPECT_EQ(e.domain_id, "d-demo");
  EXPECT_EQ(e.domain_name, "demo");
  EXPECT_EQ(e.profile_name, "user1");
  EXPECT_EQ(e.home, (core::HomeLocation{"home", "200001"}));
  EXPECT_EQ(e.owner_uid, 200001);
  EXPECT_EQ(e.owner_gid, 1001);
  EXPECT_EQ(e.source, "platform.local");
}

TEST(EventEnvelope, ParsesCloudTrailViaEventBridge) {
  auto e = parse_envelope(*core::parse_json(kCloudTrail, "test"));
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ(e->id, "ct-1234");
  EXPECT_EQ(e->type, EventType::kCreateSpace);
  EXPECT_EQ(e->kind(), core::ProfileKind::kSpace);
  EXPECT_EQ(e->domain_id, "d-abc");
  EXPECT_TRUE(e->domain_name.empty()) << "resolved later from the domain id";
  EXPECT_EQ(e->profile_name, "team");
  EXPECT_FALSE(e->home.has_value());
  EXPECT_EQ(core::format_rfc3339(e->time), "2026-11-29T10:04:59.000Z");
  EXPECT_EQ(e->source, "aws.sagemaker");
}

TEST(EventEnvelope, CreateDomainTakesItsIdFromTheResponseArn) {
  auto j = core::Json::parse(R"({"detail-type": "AWS API Call via CloudTrail", "detail": {
    "eventName": "CreateDomain", "eventID": "ct-d", "eventTime": "2026-11-29T09:00:00Z",
    "requestParameters": {"domainName": "demo", "homeEfsFileSystemId": "fs-1"},
    "responseElements": {"domainArn": "arn:aws:sagemaker:us-east-1:1:domain/d-xyz"}}})");
  auto e = parse_envelope(j);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ(e->domain_id, "d-xyz");
  EXPECT_EQ(e->domain_name, "demo");
  EXPECT_EQ(e->home_volume_id, "fs-1");
}

TEST(EventEnvelope, AnArrayIsParsedElementByElement) {
  std::string text =
      "[" + std::string(kCloudEvent) + "," + std::string(kCloudTrail) +
      R"(, {"specversion": "1.0", "id": "x", "type": "Reboot", "time": "2026-11-29T10:00:00Z", "data": {}}])";
  auto parsed = parse_envelopes(text, "test");
  ASSERT_TRUE(parsed.is_ok());
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_TRUE((*parsed)[0].event.has_value());
  EXPECT_TRUE((*parsed)[1].event.has_value());
  EXPECT_FALSE((*parsed)[2].event.has_value());
  EXPECT_EQ((*parsed)[2].id, "x");
  EXPECT_EQ((*parsed)[2].type, "Reboot");
  EXPECT_NE((*parsed)[2].status.message().find("event[2]"), std::string::npos);
  EXPECT_NE((*parsed)[2].status.message().find("unknown event type 'Reboot'"), std::string::npos);
}

// Each refusal names the field a person has to fix.
TEST(EventEnvelope, RefusalsNameTheField) {
  struct Case {
    std::string json;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"specversion": "1.0", "type": "CreateUserProfile", "time": "2026-11-29T10:00:00Z", "data": {"domainId": "d", "userProfileName": "u"}})",
       "id"},
      {R"({"specversion": "1.0", "id": "a", "type": "CreateUserProfile", "time": "2026-11-29T10:00:00Z", "data": {"domainId": "d"}})",
       "data.userProfileName"},
      {R"({"specversion": "1.0", "id": "a", "type": "CreateSpace", "time": "2026-11-29T10:00:00Z", "data": {"domainId": "d", "spaceName": "a/b"}})",
       "spaceName"},
      {R"({"specversion": "1.0", "id": "a", "type": "CreateSpace", "time": "yesterday", "data": {"domainId": "d", "spaceName": "s"}})",
       "time"},
      {R"({"specversion": "0.3", "id": "a"})", "specversion"},
      {R"({"specversion": "1.0", "id": "a", "type": "CreateUserProfile", "time": "2026-11-29T10:00:00Z", "data": {"userProfileName": "u"}})",
       "data.domainId"},
      {R"({"specversion": "1.0", "id": "a", "type": "CreateUserProfile", "time": "2026-11-29T10:00:00Z", "data": {"domainId": "d", "userProfileName": "u", "homeEfsFileSystemId": "fs"}})",
       "homeEfsFileSystemUid"},
      {R"({"detail": {"eventName": "CreateUserProfile", "eventID": "c", "eventTime": "2026-11-29T10:00:00Z", "errorCode": "ValidationException", "requestParameters": {"domainId": "d", "userProfileName": "u"}}})",
       "detail.errorCode"},
      {R"({"detail": {"eventName": "CreateUserProfile", "eventTime": "2026-11-29T10:00:00Z"}})",
       "detail.eventID"},
      {R"({"hello": "world"})", "specversion"},
  };
  for (const Case& c : cases) {
    auto e = parse_envelope(core::Json::parse(c.json));
    ASSERT_FALSE(e.is_ok()) << c.json;
    EXPECT_EQ(e.status().code(), core::StatusCode::kInvalidArgument);
    EXPECT_NE(e.status().message().find(c.field), std::string::npos)
        << "expected '" << c.field << "' in: " << e.status().message();
  }
}

TEST(EventEnvelope, ARefusedElementWithoutAnIdStillReportsWhatItCan) {
  auto parsed = parse_envelopes(
      R"([{"specversion": "1.0", "type": "CreateSpace"}, {"detail": {"eventName": "DeleteSpace"}}, 7])",
      "test");
  ASSERT_TRUE(parsed.is_ok());
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].id, "");
  EXPECT_EQ((*parsed)[0].type, "CreateSpace");
  EXPECT_EQ((*parsed)[1].type, "DeleteSpace");
  EXPECT_EQ((*parsed)[2].type, "");
  for (const auto& p : *parsed) EXPECT_FALSE(p.event.has_value());
}

TEST(EventEnvelope, InvalidJsonOrAScalarFailsAsAWhole) {
  auto bad = parse_envelopes("{not json", "events file 'x.json'");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("x.json"), std::string::npos);
  EXPECT_FALSE(parse_envelopes("42", "stdin").is_ok());
}

}  // namespace
}  // namespace lifeboat::ingest

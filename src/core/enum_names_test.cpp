#include "core/enum_names.h"

#include <gtest/gtest.h>

#include "core/profile.h"
#include "core/profile_event.h"
#include "core/status.h"

namespace lifeboat::core {

enum class Shade { kLight, kDark, kGrey };

template <>
struct EnumNames<Shade> {
  static constexpr bool kIgnoreCase = true;
  static constexpr std::array<EnumName<Shade>, 4> kNames{{{Shade::kLight, "light"},
                                                          {Shade::kDark, "dark"},
                                                          {Shade::kGrey, "grey"},
                                                          {Shade::kGrey, "gray"}}};
};

namespace {

TEST(EnumNames, NameOfWritesTheFirstNameOfAValue) {
  static_assert(name_of(Shade::kDark) == "dark");
  EXPECT_EQ(name_of(Shade::kGrey), "grey");
  EXPECT_EQ(name_of(static_cast<Shade>(7)), "unknown");
}

TEST(EnumNames, ParseTakesNamesAndAliasesAndNamesTheChoicesOtherwise) {
  EXPECT_EQ(*parse_enum<Shade>("light", "shade"), Shade::kLight);
  EXPECT_EQ(*parse_enum<Shade>("GRAY", "shade"), Shade::kGrey) << "alias, any case";
  auto bad = parse_enum<Shade>("blue", "option 'shade'");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "option 'shade' must be 'light', 'dark' or 'grey', not 'blue'");
}

TEST(EnumNames, CaseMattersUnlessTheTableSaysOtherwise) {
  EXPECT_TRUE(parse_profile_kind("user").is_ok());
  EXPECT_FALSE(parse_profile_kind("User").is_ok());
  EXPECT_EQ(parse_profile_kind("group", "kind").status().message(),
            "kind must be 'user' or 'space', not 'group'");
}

TEST(EnumNames, CoreEnumsRoundTrip) {
  for (auto v : {ProfileKind::kUser, ProfileKind::kSpace}) {
    EXPECT_EQ(*parse_profile_kind(profile_kind_name(v)), v);
  }
  for (auto v : {ProfileStatus::kActive, ProfileStatus::kDeleted, ProfileStatus::kPending}) {
    EXPECT_EQ(*parse_profile_status(profile_status_name(v)), v);
  }
  for (auto v : {DomainStatus::kActive, DomainStatus::kDeleted}) {
    EXPECT_EQ(*parse_domain_status(domain_status_name(v)), v);
  }
  for (auto v : {EventType::kCreateDomain, EventType::kDeleteDomain, EventType::kCreateUserProfile,
                 EventType::kDeleteUserProfile, EventType::kCreateSpace, EventType::kDeleteSpace}) {
    EXPECT_EQ(*parse_event_type(event_type_name(v)), v);
  }
  EXPECT_EQ(status_code_name(StatusCode::kNoSpace), "NoSpace");
  EXPECT_EQ(status_code_name(StatusCode::kInternal), "Internal");
}

}  // namespace
}  // namespace lifeboat::core

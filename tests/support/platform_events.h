// Platform events for whole-binary tests: CloudEvents 1.0 envelopes of the lifecycle
// calls, and the profile payload they carry, as a platform would send them.
#pragma once

#include <string>

#include "core/json.h"

namespace lifeboat::testing {

//! A CloudEvents 1.0 envelope from source "platform.local" at 2026-11-29T10:MM:00Z.
core::Json cloud_event(const std::string& id, const std::string& type, const core::Json& data,
                       int minute);

//! The payload of a profile event: domain d-DOMAIN named DOMAIN, `field` (userProfileName
//! or spaceName) = `name`, home `home` on volume "home", owner uid `uid`, gid 1001.
core::Json profile_data(const std::string& domain, const std::string& field,
                        const std::string& name, const std::string& home, int uid);

//! User profile NAME of domain demo created with home OLD_HOME, deleted, and created again
//! with NEW_HOME (minutes `minute`, +1, +2; event ids NAME-c, NAME-d, NAME-r; owners are the
//! homes' numbers): one recovery from OLD_HOME into NEW_HOME.
core::Json recreate_user(const std::string& name, const std::string& old_home,
                         const std::string& new_home, int minute);

}  // namespace lifeboat::testing

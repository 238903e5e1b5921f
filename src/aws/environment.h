// The environment-variable seam of the AWS client: everything in src/aws/ reads variables
// (AWS_REGION, AWS_PROFILE, HOME, ...) through an Environment, so tests hand in a map
// instead of changing the process environment. Thread safety: an Environment is called
// from any thread; process_environment() and map_environment() return ones that may be.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lifeboat::aws {

//! Looks up one variable: nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

//! The process environment (getenv). Variables are read at each call, not cached.
Environment process_environment();

//! A fixed set of variables, for tests.
Environment map_environment(std::map<std::string, std::string> vars);

//! The value of `name` when it is set and not empty; the AWS tools treat an empty
//! variable as unset.
std::optional<std::string> non_empty(const Environment& env, std::string_view name);

}  // namespace lifeboat::aws

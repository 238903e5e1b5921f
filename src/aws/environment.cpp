#include "aws/environment.h"

#include <cstdlib>

namespace lifeboat::aws {

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    // getenv needs a NUL-terminated name; the environment is not changed after start-up in
    // the daemon, which is what makes concurrent getenv calls safe here.
    std::string key(name);
    const char* value = std::getenv(key.c_str());  // NOLINT(concurrency-mt-unsafe)
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Environment map_environment(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::optional<std::string> non_empty(const Environment& env, std::string_view name) {
  if (!env) return std::nullopt;
  std::optional<std::string> value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

}  // namespace lifeboat::aws

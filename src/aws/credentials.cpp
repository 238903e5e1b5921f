#include "aws/credentials.h"

#include <fmt/format.h>

namespace lifeboat::aws {

std::string Credentials::describe() const {
  return fmt::format("{}, access key id {}", source.empty() ? "unknown source" : source,
                     access_key_id);
}

}  // namespace lifeboat::aws

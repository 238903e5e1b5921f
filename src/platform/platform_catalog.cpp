#include "platform/platform_catalog.h"

#include <algorithm>
#include <cctype>

namespace lifeboat::platform {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool is_deleting(std::string_view status) { return equals_ignoring_case(status, "Deleting"); }

bool is_in_service(std::string_view status) {
  return equals_ignoring_case(status, "InService") || equals_ignoring_case(status, "Updating") ||
         equals_ignoring_case(status, "Update_Failed");
}

}  // namespace lifeboat::platform

#include "workflow/task_resource_registry.h"

namespace lifeboat::workflow {

void TaskResourceRegistry::add(const std::string& uri, std::shared_ptr<TaskResource> resource) {
  resources_[uri] = std::move(resource);
}

std::shared_ptr<TaskResource> TaskResourceRegistry::find(const std::string& uri) const {
  auto it = resources_.find(uri);
  return it == resources_.end() ? nullptr : it->second;
}

std::vector<std::string> TaskResourceRegistry::uris() const {
  std::vector<std::string> out;
  for (const auto& [uri, res] : resources_) out.push_back(uri);
  return out;
}

}  // namespace lifeboat::workflow

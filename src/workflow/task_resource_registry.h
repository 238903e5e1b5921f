// TaskResourceRegistry: Task `Resource` URI → TaskResource.
//
// Filled once at start-up, then read concurrently: add() is not thread safe against
// find(); find() and contains() are safe to call from any thread once filling is done.
// Resources are shared (the registry and running tasks both hold them).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "workflow/task_resource.h"

namespace lifeboat::workflow {

class TaskResourceRegistry {
 public:
  //! Registers `resource` under `uri`, replacing any previous one.
  void add(const std::string& uri, std::shared_ptr<TaskResource> resource);
  //! The resource for `uri`, or null.
  std::shared_ptr<TaskResource> find(const std::string& uri) const;
  bool contains(const std::string& uri) const { return resources_.count(uri) != 0; }
  //! Every registered URI, sorted.
  std::vector<std::string> uris() const;

 private:
  std::map<std::string, std::shared_ptr<TaskResource>> resources_;
};

}  // namespace lifeboat::workflow

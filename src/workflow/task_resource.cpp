#include "workflow/task_resource.h"

namespace lifeboat::workflow {

namespace {

class FunctionTaskResource final : public TaskResource {
 public:
  explicit FunctionTaskResource(TaskFunction fn) : fn_(std::move(fn)) {}
  core::Result<core::Json> run(const core::Json& input, TaskContext& ctx) override {
    return fn_(input, ctx);
  }

 private:
  TaskFunction fn_;
};

}  // namespace

std::shared_ptr<TaskResource> make_task_resource(TaskFunction fn) {
  return std::make_shared<FunctionTaskResource>(std::move(fn));
}

}  // namespace lifeboat::workflow

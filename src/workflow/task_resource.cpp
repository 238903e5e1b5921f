#include "workflow/task_resource.h"

namespace lifeboat::workflow {

namespace {

class FunctionTaskResource final : public TaskResource {
 public:
  FunctionTaskResource(TaskFunction fn, bool copies) : fn_(std::move(fn)), copies_(copies) {}
  core::Result<core::Json> run(const core::Json& input, TaskContext& ctx) override {
    return fn_(input, ctx);
  }
  bool copies_into_volume() const override { return copies_; }

 private:
  TaskFunction fn_;
  bool copies_;
};

}  // namespace

std::shared_ptr<TaskResource> make_task_resource(TaskFunction fn, bool copies_into_volume) {
  return std::make_shared<FunctionTaskResource>(std::move(fn), copies_into_volume);
}

core::Result<core::Json> poll_again(TaskContext& ctx, core::Clock::WallTime when) {
  ctx.poll_again_at = when;
  return core::Json(nullptr);
}

}  // namespace lifeboat::workflow

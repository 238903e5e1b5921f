#include "tasks/builtin_resources.h"

#include <atomic>

#include "tasks/dead_letter_resource.h"
#include "tasks/home_await_resource.h"
#include "tasks/record_result_resource.h"
#include "tasks/transfer_run_resource.h"

namespace lifeboat::tasks {

void register_builtin_resources(workflow::TaskResourceRegistry& resources,
                                const BuiltinServices& services) {
  resources.add("lifeboat:transfer.run", std::make_shared<TransferRunResource>(services.fs));
  resources.add("lifeboat:home.await", std::make_shared<HomeAwaitResource>(services.fs));
  resources.add("lifeboat:registry.recordResult",
                std::make_shared<RecordResultResource>(services.registry));
  resources.add("lifeboat:deadletter.send",
                std::make_shared<DeadLetterResource>(services.executions));
}

namespace {
std::atomic<ExtraResources> extra_resources{nullptr};
}  // namespace

void set_extra_resources(ExtraResources add) { extra_resources.store(add); }

void add_extra_resources(workflow::TaskResourceRegistry& resources) {
  if (ExtraResources add = extra_resources.load()) add(resources);
}

}  // namespace lifeboat::tasks

#include "tasks/builtin_resources.h"

#include <cstdlib>
#include <string>

#include "tasks/dead_letter_resource.h"
#include "tasks/home_await_resource.h"
#include "tasks/record_result_resource.h"
#include "tasks/transfer_run_resource.h"
#include "workflow/test_resources.h"

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

void register_test_resources_if_enabled(workflow::TaskResourceRegistry& resources) {
  const char* v = std::getenv(kTestResourcesEnv);
  if (v != nullptr && std::string(v) == "1") workflow::register_test_resources(resources);
}

}  // namespace lifeboat::tasks

// Linked into the test build of the CLI (lifeboat_testbin) and nothing else: at start-up it
// makes every workflow registry the binary builds include the lifeboat:test.* resources.
// It is an object of the executable, not a library member, so the linker cannot drop it.
#include "tasks/builtin_resources.h"
#include "testing/test_resources.h"

namespace {

const bool kTestResourcesAdded = [] {
  lifeboat::tasks::set_extra_resources(&lifeboat::workflow::register_test_resources);
  return true;
}();

}  // namespace

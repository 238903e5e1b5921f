// The `lifeboat:test.*` task resources, for tests only: they are built into the test-only
// library lifeboat_test_resources, linked by unit tests and by the test build of the CLI
// (lifeboat_testbin, through test_resources_hook.cpp), never by the shipped `lifeboat`.
//
//   lifeboat:test.echo   returns its input.
//   lifeboat:test.fail   fails with {"error": NAME, "cause": TEXT} from its input.
//   lifeboat:test.flaky  fails with input.error (default "Lifeboat.Transient") while the
//                        state's retry attempt is below input.failTimes, then echoes.
//   lifeboat:test.count  appends "<state> <execution id>" to the file input.counterFile (if
//                        given), then returns the input with "count" = lines in that file.
//   lifeboat:test.block  like count, then blocks (polling every 10 ms of real time) until
//                        the file input.releaseFile exists or input.timeoutSeconds (default
//                        60) pass; fails with Lifeboat.TestTimeout then. It stands in for a
//                        copy: copies_into_volume() is true, so the daemon's per-volume
//                        limit applies to it as to lifeboat:transfer.run.
// All are idempotent in the sense the crash tests need: count/block record every
// invocation precisely so that tests can see which ran twice.
#pragma once

#include "workflow/task_resource_registry.h"

namespace lifeboat::workflow {

//! Adds every lifeboat:test.* resource to `registry`.
void register_test_resources(TaskResourceRegistry& registry);

}  // namespace lifeboat::workflow

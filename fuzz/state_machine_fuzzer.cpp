// Amazon States Language definitions: StateMachine::parse_text, which runs the validator
// in syntax-only mode, recursively through Parallel branches and Map iterators.
//
// Properties: a definition that parses round-trips (its dump parses again, to the same
// start state) and the validator finds no problem in it; a refused definition gets at
// least one problem line.
#include <cstddef>
#include <cstdint>

#include "core/json.h"
#include "fuzz/fuzz_support.h"
#include "workflow/state_machine.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  auto machine = workflow::StateMachine::parse_text(text, "fuzz definition");
  if (!machine.is_ok()) {
    auto definition = core::parse_json(text, "fuzz definition");
    if (definition.is_ok()) {
      FUZZ_CHECK(!workflow::StateMachine::validate(*definition, nullptr, true).empty(),
                 "a refused definition has no problem to report");
    }
    return 0;
  }
  FUZZ_CHECK(workflow::StateMachine::validate(machine->definition(), nullptr, true).empty(),
             "a parsed definition has problems");
  FUZZ_CHECK(machine->state(machine->start_at()) != nullptr, "StartAt names no state");
  auto again = workflow::StateMachine::parse_text(machine->definition().dump(), "its dump");
  FUZZ_CHECK(again.is_ok(), "a parsed definition's dump does not parse");
  FUZZ_CHECK(again->start_at() == machine->start_at(), "the round trip changes StartAt");
  FUZZ_CHECK(again->definition() == machine->definition(), "the round trip changes the definition");
  (void)machine->timeout_seconds();
  return 0;
}

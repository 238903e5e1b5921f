// EventBridge patterns: compiles the first part of the input as a pattern and matches it
// against the second part as an event.
//
// Properties: matching is deterministic (twice, and through a copy of the pattern, give the
// same answer); a non-object never matches; a pattern compiled from its own dump (the
// parsed JSON re-serialised) gives the same answer.
#include <cstddef>
#include <cstdint>

#include "core/json.h"
#include "fuzz/fuzz_support.h"
#include "ingest/event_pattern.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [pattern_text, event_text] = fuzz::split_parts(fuzz::as_text(data, size));
  auto pattern = ingest::EventPattern::compile_text(pattern_text);
  if (!pattern.is_ok()) return 0;
  auto event = core::parse_json(event_text, "fuzz event");
  if (!event.is_ok()) return 0;

  const bool hit = pattern->matches(*event);
  FUZZ_CHECK(pattern->matches(*event) == hit, "the same event matched twice differs");
  const ingest::EventPattern copy = *pattern;
  FUZZ_CHECK(copy.matches(*event) == hit, "a copy of the pattern answers differently");
  if (!event->is_object()) FUZZ_CHECK(!hit, "a non-object event matched");

  auto pattern_json = core::parse_json(pattern_text, "fuzz pattern");
  FUZZ_CHECK(pattern_json.is_ok(), "a compiled pattern is not JSON");
  auto again = ingest::EventPattern::compile_text(pattern_json->dump());
  FUZZ_CHECK(again.is_ok(), "a pattern's own dump does not compile");
  FUZZ_CHECK(again->matches(*event) == hit, "a pattern's own dump answers differently");
  return 0;
}

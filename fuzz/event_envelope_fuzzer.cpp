// Event envelopes: one CloudTrail-via-EventBridge or CloudEvents envelope, or an array of
// them, as `lifeboat events put` and POST /v1/events receive them.
//
// Properties: an element parsed alone gives the same verdict as inside the input; an
// accepted event survives the history round trip (event_to_json / event_from_json).
#include <cstddef>
#include <cstdint>

#include "core/profile_event.h"
#include "fuzz/fuzz_support.h"
#include "ingest/event_envelope.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = ingest::parse_envelopes(fuzz::as_text(data, size), "fuzz input");
  if (!parsed.is_ok()) return 0;
  for (const ingest::ParsedEnvelope& element : *parsed) {
    auto alone = ingest::parse_envelope(element.raw);
    FUZZ_CHECK(alone.is_ok() == element.event.has_value(),
               "an element parsed alone gets another verdict");
    if (!element.event) continue;
    const core::Json recorded = core::event_to_json(*element.event);
    auto back = core::event_from_json(recorded);
    FUZZ_CHECK(back.is_ok(), "an accepted event does not read back from its history JSON");
    FUZZ_CHECK(core::event_to_json(*back) == recorded, "the history round trip changes the event");
  }
  return 0;
}

// HTTP request bodies, up to the point the API touches the store: the JSON parse every
// POST does, the profile-key readers of POST /v1/replication-targets ("source" and
// "target"), and the envelope parse of POST /v1/events (one event or an array).
//
// Property: a profile key that reads carries exactly the body's strings.
#include <cstddef>
#include <cstdint>

#include "core/json.h"
#include "fuzz/fuzz_support.h"
#include "ingest/event_envelope.h"
#include "server/api_views.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::as_text(data, size);
  auto body = core::parse_json(text, "the request body");
  if (!body.is_ok()) return 0;
  for (const char* field : {"source", "target"}) {
    auto key = server::profile_key_from_json(*body, field);
    if (!key.is_ok()) continue;
    const core::Json& given = (*body)[field];
    FUZZ_CHECK(given["domainName"] == key->domain_name, "the key's domain is not the body's");
    FUZZ_CHECK(given["profileName"] == key->name, "the key's profile is not the body's");
  }
  (void)ingest::parse_envelopes(text, "the request body");
  return 0;
}

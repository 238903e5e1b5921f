// Event envelopes (docs/architecture.md, "The path an event takes"): turns what platforms send into
// ProfileEvents.
//
// Two envelopes are accepted, one event or a JSON array of them:
//  1. EventBridge's envelope of a CloudTrail record ("detail-type": "AWS API Call via
//     CloudTrail"): detail.eventName, detail.eventID, detail.eventTime,
//     detail.requestParameters {domainId, domainName, userProfileName | spaceName, ...};
//     a CreateDomain's id may come from detail.responseElements.domainId / domainArn.
//     A record with detail.errorCode (the API call failed) is refused.
//  2. CloudEvents 1.0 structured JSON: specversion "1.0", id, time, type, data {domainId,
//     domainName, userProfileName | spaceName, homeEfsFileSystemId, homeEfsFileSystemUid,
//     ownerUid, ownerGid}.
// Refusals name the field, e.g. "event[2]: missing field data.userProfileName".
// Pure functions; thread safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/profile_event.h"
#include "core/result.h"

namespace lifeboat::ingest {

//! One element of the input, parsed or refused.
struct ParsedEnvelope {
  std::size_t index = 0;                    //!< position in the input (0 for a single event)
  std::string id;                           //!< the event id, when it could be read
  std::string type;                         //!< the event type it claims, when it could be read
  core::Json raw;                           //!< the envelope as received
  std::optional<core::ProfileEvent> event;  //!< set when parsed
  core::Status status;                      //!< why it was refused, when `event` is unset
};

//! Parses one envelope object into a validated ProfileEvent; errors name the field.
core::Result<core::ProfileEvent> parse_envelope(const core::Json& envelope);

//! Parses `text` (one envelope or an array of them). Fails as a whole only when the
//! text is not JSON or is neither an object nor an array; `what` names the input in
//! that message (e.g. "events file 'x.json'"). Each element is parsed or refused alone.
core::Result<std::vector<ParsedEnvelope>> parse_envelopes(std::string_view text,
                                                          std::string_view what);

}  // namespace lifeboat::ingest

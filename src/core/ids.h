// Identifiers: random UUIDs (version 4) for executions, dead letters and events.
#pragma once

#include <string>

namespace lifeboat::core {

//! A random RFC 4122 version-4 UUID, lower-case, e.g. "1b4e28ba-2fa1-41d2-883f-0016d3cca427":
//! 122 bits from the kernel's CSPRNG (getrandom(2); /dev/urandom on kernels without it).
//! Aborts the process if the kernel gives no randomness at all. Thread safe.
std::string new_uuid();

}  // namespace lifeboat::core

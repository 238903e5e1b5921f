// SHA-256 and HMAC-SHA256 over OpenSSL's libcrypto, as SigV4 needs them. Stateless and
// thread safe.
#pragma once

#include <string>
#include <string_view>

namespace lifeboat::aws {

//! The raw 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);
//! The raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);
//! Lower-case hexadecimal of `bytes`.
std::string hex_encode(std::string_view bytes);
//! hex_encode(sha256(data)).
std::string sha256_hex(std::string_view data);

}  // namespace lifeboat::aws

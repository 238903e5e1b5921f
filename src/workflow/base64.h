// Standard base64 (RFC 4648 section 4: the "+/" alphabet with "=" padding), over libcrypto's
// EVP_EncodeBlock and EVP_DecodeBlock. Thread safe; no state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lifeboat::workflow {

//! The base64 text of `bytes`, padded to a multiple of four characters, on one line.
std::string base64_encode(std::string_view bytes);

//! The bytes `text` encodes, or nullopt when `text` is not strict base64: its length must
//! be a multiple of four, every character from the alphabet, and "=" only as one or two
//! final padding characters. No whitespace or line breaks are skipped.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace lifeboat::workflow

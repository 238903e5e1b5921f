#include "workflow/base64.h"

#include <openssl/evp.h>

#include <vector>

namespace lifeboat::workflow {
namespace {

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// EVP_DecodeBlock is lenient (it skips surrounding whitespace and reads "=" as a zero
// digit), so the text is checked here first; it returns 0 for padding, `text.size()` when
// the text is not strict base64.
std::size_t padding_or_invalid(std::string_view text) {
  if (text.size() % 4 != 0) return text.size();
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  for (std::size_t i = 0; i + pad < text.size(); ++i) {
    if (!in_alphabet(text[i])) return text.size();
  }
  return pad;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 characters per started 3 bytes and a terminating NUL.
  std::vector<unsigned char> out((bytes.size() + 2) / 3 * 4 + 1);
  const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty()) return std::string();
  const std::size_t pad = padding_or_invalid(text);
  if (pad == text.size()) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3 + 1);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  // The padding characters decode to zero bytes that are not part of the data.
  if (n < 0 || static_cast<std::size_t>(n) < pad) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n) - pad);
}

}  // namespace lifeboat::workflow

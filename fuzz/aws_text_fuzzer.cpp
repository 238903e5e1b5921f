// What the AWS client reads that someone else wrote: the shared credentials/config files
// (parse_ini) and STS's XML answers (xml_element_text).
//
// Properties: neither crashes nor hangs on any input; a refused INI file's message never
// quotes the file (a line may hold a secret key): it is the file's name, the line number
// and a fixed explanation; an element's decoded text is never longer than the document.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/shared_config.h"
#include "aws/xml_text.h"
#include "fuzz/fuzz_support.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  auto ini = aws::parse_ini(text, "fuzz credentials file");
  if (!ini.is_ok()) {
    // A refusal is "<what> line <n>: " and one of the fixed explanations: nothing of the
    // file itself is ever quoted.
    const std::string message = ini.status().message();
    constexpr std::string_view kPrefix = "fuzz credentials file line ";
    FUZZ_CHECK(message.rfind(kPrefix, 0) == 0, "an INI error does not name the file and line");
    std::size_t pos = kPrefix.size();
    while (pos < message.size() && message[pos] >= '0' && message[pos] <= '9') ++pos;
    const std::string_view rest = std::string_view(message).substr(pos);
    FUZZ_CHECK(rest == ": a section header must end with ']'" ||
                   rest == ": expected '[section]' or 'name = value'" ||
                   rest == ": expected '[section]' or 'name = value' inside a section",
               "an INI error says more than its fixed explanation (it may quote the file)");
  }
  for (const char* element :
       {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Code", "Message"}) {
    auto value = aws::xml_element_text(text, element);
    // Decoding only shortens: an entity or character reference is longer than its text.
    if (value) FUZZ_CHECK(value->size() <= text.size(), "element text longer than the document");
  }
  return 0;
}

// What the AWS client reads that someone else wrote: the shared credentials/config files
// (parse_ini) and STS's XML answers (xml_element_text).
//
// Properties: neither crashes nor hangs on any input; a refused INI file's message never
// quotes the text it was given (a line may hold a secret key); an element's text holds no
// markup.
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
  if (!ini.is_ok() && text.size() >= 12) {
    // Every line of the input, if long enough to be a secret, must not appear.
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = text.substr(start, end - start);
      if (line.size() >= 12) {
        FUZZ_CHECK(ini.status().message().find(line) == std::string::npos,
                   "an INI error quotes a line of the file");
      }
      start = end + 1;
    }
  }
  for (const char* element :
       {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Code", "Message"}) {
    auto value = aws::xml_element_text(text, element);
    if (value) FUZZ_CHECK(value->find('<') == std::string::npos, "element text holds markup");
  }
  return 0;
}

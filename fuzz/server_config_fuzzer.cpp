// The daemon's TOML configuration: parse_server_config on arbitrary text.
//
// Property: a configuration that parses also passes validate_server_config (the check
// run again after command-line flags are applied).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "server/server_config.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto config = server::parse_server_config(fuzz::as_text(data, size), "fuzz.toml");
  if (!config.is_ok()) return 0;
  FUZZ_CHECK(server::validate_server_config(*config).is_ok(),
             "a parsed configuration fails validation");
  return 0;
}

// ASL intrinsic functions: the first part of the input is the call text, the second the
// state's input (also the context object).
//
// Call texts come from a parsed definition, so only valid UTF-8 ones are fed (the others
// are skipped). Properties: a call that evaluates passes the syntax check; its value
// serialises (it is stored in the execution's history).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/json.h"
#include "fuzz/fuzz_support.h"
#include "workflow/intrinsic_functions.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [call, input_text] = fuzz::split_parts(fuzz::as_text(data, size));
  try {
    (void)core::Json(std::string(call)).dump();
  } catch (const core::Json::exception&) {
    return 0;  // not UTF-8: no definition can hold it
  }
  auto parsed_input = core::parse_json(input_text, "fuzz input");
  const core::Json input = parsed_input.is_ok() ? *parsed_input : core::Json::object();

  (void)workflow::is_intrinsic_call(call);
  const bool well_formed = workflow::check_intrinsic_syntax(call).is_ok();
  auto value = workflow::evaluate_intrinsic(call, input, input);
  if (value.is_ok()) {
    FUZZ_CHECK(well_formed, "a call that evaluates fails the syntax check");
    bool serialises = true;
    try {
      (void)value->dump();
    } catch (const core::Json::exception&) {
      serialises = false;
    }
    FUZZ_CHECK(serialises, "an intrinsic's value cannot be serialised (invalid UTF-8)");
  }
  return 0;
}

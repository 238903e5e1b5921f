// ASL intrinsic functions: the first part of the input is the call text, the second the
// state's input (also the context object).
//
// Properties: a call that evaluates passes the syntax check; a call the syntax check
// refuses does not evaluate.
#include <cstddef>
#include <cstdint>

#include "core/json.h"
#include "fuzz/fuzz_support.h"
#include "workflow/intrinsic_functions.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [call, input_text] = fuzz::split_parts(fuzz::as_text(data, size));
  auto parsed_input = core::parse_json(input_text, "fuzz input");
  const core::Json input = parsed_input.is_ok() ? *parsed_input : core::Json::object();

  (void)workflow::is_intrinsic_call(call);
  const bool well_formed = workflow::check_intrinsic_syntax(call).is_ok();
  auto value = workflow::evaluate_intrinsic(call, input, input);
  if (value.is_ok()) {
    FUZZ_CHECK(well_formed, "a call that evaluates fails the syntax check");
    (void)value->dump();
  }
  return 0;
}

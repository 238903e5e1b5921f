// Payload templates (Parameters, ResultSelector, ItemSelector): the first part of the
// input is the template, the second the state's input (also the context object).
//
// Properties: a template with no problem found by the static check either applies or
// fails with an ASL error; applying is deterministic for templates that use no random
// intrinsic.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "fuzz/fuzz_support.h"
#include "workflow/payload_template.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [template_text, input_text] = fuzz::split_parts(fuzz::as_text(data, size));
  auto tmpl = core::parse_json(template_text, "fuzz template");
  if (!tmpl.is_ok()) return 0;
  auto parsed_input = core::parse_json(input_text, "fuzz input");
  const core::Json input = parsed_input.is_ok() ? *parsed_input : core::Json::object();

  std::vector<std::string> problems;
  workflow::check_payload_template(*tmpl, "Parameters", problems);
  auto applied = workflow::apply_payload_template(*tmpl, input, input, "Parameters");
  if (!applied.is_ok() || !problems.empty()) return 0;
  const bool random = template_text.find("States.UUID") != std::string_view::npos ||
                      template_text.find("States.MathRandom") != std::string_view::npos;
  if (random) return 0;
  auto again = workflow::apply_payload_template(*tmpl, input, input, "Parameters");
  FUZZ_CHECK(again.is_ok() && *again == *applied, "applying a template twice differs");
  return 0;
}

// JSONPath as ASL uses it: the first part of the input is the path, the second the
// state's input document (also used as the context object).
//
// Properties: a path that parses keeps its text; a reference path selects at most one
// node; assigning through a reference path into `$` then selecting it yields the value
// assigned.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/json.h"
#include "fuzz/fuzz_support.h"
#include "workflow/json_path.h"

using namespace lifeboat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [path_text, document_text] = fuzz::split_parts(fuzz::as_text(data, size));
  auto path = workflow::JsonPath::parse(path_text);
  if (!path.is_ok()) return 0;
  FUZZ_CHECK(path->text() == path_text, "a parsed path does not keep its text");
  auto document = core::parse_json(document_text, "fuzz document");
  const core::Json input = document.is_ok() ? *document : core::Json::object();

  auto selected = path->select(input, input);
  if (!path->is_reference() && selected.is_ok()) {
    FUZZ_CHECK(selected->is_array(), "a wildcard path did not select an array");
  }
  if (!path->is_reference() || path->is_context()) return 0;

  core::Json target = input;
  const core::Json marker = {{"fuzz-marker", std::string(path_text)}};
  if (!path->assign(target, marker).is_ok()) return 0;
  auto read_back = path->select(target, target);
  FUZZ_CHECK(read_back.is_ok(), "an assigned node cannot be selected");
  FUZZ_CHECK(*read_back == marker, "selecting an assigned node yields another value");
  return 0;
}

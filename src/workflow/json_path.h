// JsonPath: the JSONPath subset Amazon States Language uses.
//
// A path starts with `$` (the state's input) or `$$` (the context object) followed by
// segments: `.name`, `['name']`, `["name"]`, `[3]`, and — outside reference paths —
// the wildcards `.*` and `[*]`. A *reference path* (ResultPath, Choice Variable, …) has
// no wildcards and names exactly one node. Filters, slices and `..` are refused at parse
// time with a message naming the unsupported part. Immutable; thread safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::workflow {

using core::Json;

class JsonPath {
 public:
  struct Wildcard {};
  using Segment = std::variant<std::string, std::size_t, Wildcard>;

  //! Parses `text`; the error quotes the text and says what is wrong with it.
  static core::Result<JsonPath> parse(std::string_view text);
  //! True when `text` parses as a path (a quick check for validators).
  static bool is_valid(std::string_view text) { return parse(text).is_ok(); }

  bool is_context() const { return context_; }
  //! No wildcards: names at most one node.
  bool is_reference() const { return reference_; }
  const std::string& text() const { return text_; }

  //! The node(s) the path selects from `input` (or `context` for `$$` paths). A reference
  //! path yields the node itself, NotFound when absent; a wildcard path yields an array of
  //! every match (possibly empty).
  core::Result<Json> select(const Json& input, const Json& context) const;

  //! Sets the node this reference path names inside `target` to `value`, creating
  //! missing object fields on the way (ResultPath semantics). Fails when the path is not
  //! a reference path into `$`, or crosses a value that is not an object (or an array
  //! index that does not exist).
  core::Status assign(Json& target, Json value) const;

 private:
  std::string text_;
  bool context_ = false;
  bool reference_ = true;
  std::vector<Segment> segments_;
};

}  // namespace lifeboat::workflow

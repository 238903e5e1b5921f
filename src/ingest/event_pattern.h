// EventPattern: an Amazon EventBridge event pattern, compiled once and matched many times.
//
// The language is the one of the EventBridge user guide ("Event patterns", "Content
// filtering", "Arrays in event patterns", "Comparison operators"): value lists (OR within a
// field, AND across fields), nested objects, arrays in events (any element), null and "",
// prefix / suffix (each optionally equals-ignore-case), equals-ignore-case, wildcard,
// anything-but (value, list, prefix, suffix, equals-ignore-case, wildcard), numeric
// (=, <, <=, >, >= and ranges), exists, cidr (IPv4, IPv6) and "$or". As in EventBridge,
// keys are joined with dots ("a.b" and "a": {"b"} are one field, in patterns and events), and
// a pattern whose wildcards are too complex (pattern_complexity.h) is refused.
//
//   auto pattern = EventPattern::compile_text(R"({"source": ["aws.sagemaker"]})");
//   if (!pattern) return pattern.status();          // InvalidArgument naming field and rule
//   bool hit = pattern->matches(event_json);
//
// Thread safety: an EventPattern is immutable; matches() may run concurrently from any
// number of threads. Copies are cheap and share the compiled form.
#pragma once

#include <memory>
#include <string_view>

#include "core/json.h"
#include "core/result.h"

namespace lifeboat::ingest {

struct ObjectNode;

class EventPattern {
 public:
  //! Compiles a pattern; InvalidArgument says where the pattern breaks which rule.
  static core::Result<EventPattern> compile(const core::Json& pattern);
  //! Parses then compiles JSON text.
  static core::Result<EventPattern> compile_text(std::string_view text);

  //! True when `event` (a JSON object) matches. A non-object never matches.
  //! Never throws and does not allocate.
  bool matches(const core::Json& event) const noexcept;

 private:
  explicit EventPattern(std::shared_ptr<const ObjectNode> root) : root_(std::move(root)) {}

  std::shared_ptr<const ObjectNode> root_;
};

}  // namespace lifeboat::ingest

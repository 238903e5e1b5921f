#include "ingest/event_pattern.h"

#include <utility>

#include "ingest/pattern_compiler.h"
#include "ingest/pattern_node.h"

namespace lifeboat::ingest {

core::Result<EventPattern> EventPattern::compile(const core::Json& pattern) {
  LIFEBOAT_ASSIGN_OR_RETURN(ObjectNode root, PatternCompiler::compile(pattern));
  return EventPattern(std::make_shared<const ObjectNode>(std::move(root)));
}

core::Result<EventPattern> EventPattern::compile_text(std::string_view text) {
  LIFEBOAT_ASSIGN_OR_RETURN(core::Json pattern, core::parse_json(text, "event pattern"));
  return compile(pattern);
}

bool EventPattern::matches(const core::Json& event) const noexcept {
  // A moved-from pattern has no tree: it matches nothing rather than crashing.
  if (!root_ || !event.is_object()) return false;
  return match_object(*root_, &event, event);
}

}  // namespace lifeboat::ingest

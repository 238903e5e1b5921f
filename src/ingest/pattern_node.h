// The compiled form of an event pattern, and how it is matched against an event.
//
// An ObjectNode mirrors one object level of the pattern: every field must match (AND) and,
// for each "$or" at that level, at least one branch must match. A FieldNode is either a leaf
// (a value list: any alternative matching any leaf value of the event at that key) or a
// nested ObjectNode. Matching walks the event in place: no copies, no allocation, no throw.
//
// Keys are joined with dots, as EventBridge does: a field's path ["a", "b"] is found in
// {"a": {"b": 1}} and in {"a.b": 1}, whichever way the event splits it into keys.
//
// Event arrays: a leaf field matches when any element matches; a nested object is matched
// against each object element in turn, so fields matched together always come from the same
// array element (EventBridge's array-consistent matching).
// Immutable after compilation: safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "ingest/pattern_value_matcher.h"

namespace lifeboat::ingest {

struct ObjectNode;

struct FieldNode {
  std::string key;                    //!< the pattern's key at this level, as written
  std::vector<std::string> path;      //!< the keys from the root split at dots ("$or" skipped)
  std::vector<ValueMatcher> values;   //!< leaf: the value list (non-empty)
  std::unique_ptr<ObjectNode> child;  //!< nested object (then `values` is empty)
};

struct ObjectNode {
  std::vector<FieldNode> fields;                //!< all must match
  std::vector<std::vector<ObjectNode>> any_of;  //!< each "$or": one branch must match
};

//! True when `node` matches the event object `obj` (nullptr: the object is absent).
//! `root` is the whole event: {"exists": false} asks whether a path has no value anywhere.
bool match_object(const ObjectNode& node, const core::Json* obj, const core::Json& root) noexcept;

}  // namespace lifeboat::ingest

#include "ingest/pattern_node.h"

namespace lifeboat::ingest {
namespace {

// Arrays nested deeper than this are not looked into: it bounds the recursion on hostile
// input (the JSON parser itself accepts any depth).
constexpr int kMaxArrayDepth = 64;

const core::Json* find_field(const core::Json* obj, const std::string& key) noexcept {
  if (obj == nullptr || !obj->is_object()) return nullptr;
  auto it = obj->find(key);
  return it == obj->end() ? nullptr : &*it;
}

// Calls `f` on each leaf (string, number, boolean, null) in `v`, looking through arrays;
// objects are not leaves. Stops and returns true as soon as `f` does.
template <typename F>
bool any_leaf(const core::Json& v, const F& f, int depth = 0) noexcept {
  if (v.is_array()) {
    if (depth >= kMaxArrayDepth) return false;
    for (const core::Json& e : v) {
      if (any_leaf(e, f, depth + 1)) return true;
    }
    return false;
  }
  if (v.is_object()) return false;
  return f(v);
}

// Like any_leaf, for the objects in `v`; `saw` is set when there is at least one.
template <typename F>
bool any_object(const core::Json& v, const F& f, bool& saw, int depth = 0) noexcept {
  if (v.is_object()) {
    saw = true;
    return f(v);
  }
  if (v.is_array() && depth < kMaxArrayDepth) {
    for (const core::Json& e : v) {
      if (any_object(e, f, saw, depth + 1)) return true;
    }
  }
  return false;
}

// True when the event holds at least one leaf value at `path` (through any array element).
bool has_leaf_at(const core::Json& v, const std::vector<std::string>& path, size_t i,
                 int depth = 0) noexcept {
  if (i == path.size()) {
    return any_leaf(v, [](const core::Json&) { return true; });
  }
  if (v.is_object()) {
    auto it = v.find(path[i]);
    return it != v.end() && has_leaf_at(*it, path, i + 1, depth);
  }
  if (v.is_array() && depth < kMaxArrayDepth) {
    for (const core::Json& e : v) {
      if (has_leaf_at(e, path, i, depth + 1)) return true;
    }
  }
  return false;
}

bool match_leaf_field(const FieldNode& field, const core::Json* value,
                      const core::Json& root) noexcept {
  for (const ValueMatcher& m : field.values) {
    if (!m.is_exists()) continue;
    if (m.exists_wanted()) {
      if (value != nullptr && any_leaf(*value, [](const core::Json&) { return true; })) {
        return true;
      }
    } else if (!has_leaf_at(root, field.path, 0)) {
      // EventBridge's "exists": false means the field has no value anywhere in the event,
      // not merely in the array element being looked at.
      return true;
    }
  }
  if (value == nullptr) return false;
  return any_leaf(*value, [&](const core::Json& leaf) {
    for (const ValueMatcher& m : field.values) {
      if (m.matches(leaf)) return true;
    }
    return false;
  });
}

bool match_field(const FieldNode& field, const core::Json* obj, const core::Json& root) noexcept {
  const core::Json* value = find_field(obj, field.key);
  if (!field.child) return match_leaf_field(field, value, root);
  bool saw_object = false;
  if (value != nullptr &&
      any_object(
          *value, [&](const core::Json& o) { return match_object(*field.child, &o, root); },
          saw_object)) {
    return true;
  }
  // No object here at all: the nested fields are absent, which only {"exists": false}
  // (or a nested pattern made only of such) accepts.
  return !saw_object && match_object(*field.child, nullptr, root);
}

}  // namespace

bool match_object(const ObjectNode& node, const core::Json* obj, const core::Json& root) noexcept {
  for (const FieldNode& field : node.fields) {
    if (!match_field(field, obj, root)) return false;
  }
  for (const std::vector<ObjectNode>& branches : node.any_of) {
    bool any = false;
    for (const ObjectNode& branch : branches) {
      if (match_object(branch, obj, root)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace lifeboat::ingest

#include "ingest/pattern_node.h"

#include <algorithm>
#include <string_view>

namespace lifeboat::ingest {
namespace {

// Arrays nested deeper than this are not looked into: it bounds the recursion on hostile
// input (the JSON parser itself accepts any depth).
constexpr int kMaxArrayDepth = 64;

// The key that path[from..to) makes when joined with dots, compared with an event key without
// building it, so that std::map's transparent find can look it up without allocating.
// A non-zero `tail` is one more character after the joined key.
struct DottedKey {
  const std::vector<std::string>& path;
  size_t from;
  size_t to;
  char tail = 0;
};

// <0, 0 or >0 as `s` sorts before, equal to or after the joined key (bytes compared unsigned,
// as std::string compares).
int compare(std::string_view s, const DottedKey& k) noexcept {
  size_t pos = 0;
  for (size_t x = k.from; x < k.to; ++x) {
    if (x > k.from) {
      if (pos == s.size()) return -1;
      if (s[pos] != '.') return static_cast<unsigned char>(s[pos]) < '.' ? -1 : 1;
      ++pos;
    }
    const std::string& segment = k.path[x];
    const size_t n = std::min(segment.size(), s.size() - pos);
    if (const int c = s.substr(pos, n).compare(std::string_view(segment).substr(0, n)); c != 0) {
      return c;
    }
    if (n < segment.size()) return -1;
    pos += n;
  }
  if (k.tail != 0) {
    if (pos == s.size()) return -1;
    if (s[pos] != k.tail) return static_cast<unsigned char>(s[pos]) < k.tail ? -1 : 1;
    ++pos;
  }
  return pos == s.size() ? 0 : 1;
}

bool operator<(const std::string& s, const DottedKey& k) noexcept { return compare(s, k) < 0; }
bool operator<(const DottedKey& k, const std::string& s) noexcept { return compare(s, k) > 0; }

// Calls `f` on each event value at path[i..n) below `v`, and stops as soon as `f` returns
// true. EventBridge joins nested keys with dots before it matches, so the segments may be
// split into event keys in any way: ["a", "b"] reaches {"a": {"b": 1}} and {"a.b": 1} alike.
// Arrays on the way are looked through, element by element.
template <typename F>
bool any_value_at(const core::Json& v, const std::vector<std::string>& path, size_t i, size_t n,
                  const F& f, int depth = 0) noexcept {
  if (i == n) return f(v);
  if (v.is_object()) {
    const auto& members = v.get_ref<const core::Json::object_t&>();
    for (size_t j = i + 1; j <= n; ++j) {
      // One segment is a plain key: std::string's own comparison finds it faster.
      auto it = j == i + 1 ? members.find(std::string_view(path[i]))
                           : members.find(DottedKey{path, i, j});
      if (it != members.end() && any_value_at(it->second, path, j, n, f, depth)) return true;
    }
    return false;
  }
  if (v.is_array() && depth < kMaxArrayDepth) {
    for (const core::Json& e : v) {
      if (any_value_at(e, path, i, n, f, depth + 1)) return true;
    }
  }
  return false;
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

bool match_in(const ObjectNode& node, const core::Json* obj, size_t from,
              const core::Json& root) noexcept;

// True when below `v`, reached through any split of path[i..to) into keys, there is a key
// that carries on past the path with a dot ("a.b.c" or "b.c" for the path ["a", "b"]): then
// the event has values below the path that are not inside an object at the path. Such keys
// sort from "<joined>." up to "<joined>/".
bool has_keys_below(const core::Json& v, const std::vector<std::string>& path, size_t i, size_t to,
                    int depth = 0) noexcept {
  if (v.is_object()) {
    const auto& members = v.get_ref<const core::Json::object_t&>();
    auto it = members.lower_bound(DottedKey{path, i, to, '.'});
    if (it != members.end() && it->first < DottedKey{path, i, to, '/'}) return true;
    for (size_t j = i + 1; j < to; ++j) {
      auto sub = members.find(DottedKey{path, i, j});
      if (sub != members.end() && has_keys_below(sub->second, path, j, to, depth)) return true;
    }
    return false;
  }
  if (v.is_array() && depth < kMaxArrayDepth) {
    for (const core::Json& e : v) {
      if (has_keys_below(e, path, i, to, depth + 1)) return true;
    }
  }
  return false;
}

// `obj` holds the event at field.path[0..from): the field's values are at path[from..].
bool match_leaf_field(const FieldNode& field, const core::Json* obj, size_t from,
                      const core::Json& root) noexcept {
  const auto any_leaf_at = [&](const core::Json* start, size_t i, const auto& f) {
    return start != nullptr && any_value_at(*start, field.path, i, field.path.size(),
                                            [&](const core::Json& v) { return any_leaf(v, f); });
  };
  const auto anything = [](const core::Json&) { return true; };
  for (const ValueMatcher& m : field.values) {
    if (!m.is_exists()) continue;
    if (m.exists_wanted()) {
      if (any_leaf_at(obj, from, anything)) return true;
    } else if (!any_leaf_at(&root, 0, anything)) {
      // EventBridge's "exists": false means the field has no value anywhere in the event,
      // not merely in the array element being looked at.
      return true;
    }
  }
  return any_leaf_at(obj, from, [&](const core::Json& leaf) {
    for (const ValueMatcher& m : field.values) {
      if (m.matches(leaf)) return true;
    }
    return false;
  });
}

bool match_field(const FieldNode& field, const core::Json* obj, size_t from,
                 const core::Json& root) noexcept {
  if (!field.child) return match_leaf_field(field, obj, from, root);
  const size_t to = field.path.size();
  bool saw_object = false;
  if (obj != nullptr && any_value_at(*obj, field.path, from, to, [&](const core::Json& v) {
        return any_object(
            v, [&](const core::Json& o) { return match_in(*field.child, &o, to, root); },
            saw_object);
      })) {
    return true;
  }
  // No object here: the nested fields may still be under keys that carry on with dots
  // ({"a.b": 1} for a→b), looked up from here; otherwise they are absent, which only
  // {"exists": false} (or a nested pattern made only of such) accepts.
  if (saw_object) return false;
  const bool below = obj != nullptr && has_keys_below(*obj, field.path, from, to);
  return match_in(*field.child, below ? obj : nullptr, from, root);
}

bool match_in(const ObjectNode& node, const core::Json* obj, size_t from,
              const core::Json& root) noexcept {
  for (const FieldNode& field : node.fields) {
    if (!match_field(field, obj, from, root)) return false;
  }
  for (const std::vector<ObjectNode>& branches : node.any_of) {
    bool any = false;
    for (const ObjectNode& branch : branches) {
      if (match_in(branch, obj, from, root)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

}  // namespace

bool match_object(const ObjectNode& node, const core::Json* obj, const core::Json& root) noexcept {
  return match_in(node, obj, 0, root);
}

}  // namespace lifeboat::ingest

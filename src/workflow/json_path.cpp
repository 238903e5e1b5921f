#include "workflow/json_path.h"

#include <cctype>

namespace lifeboat::workflow {

using core::Result;
using core::Status;

namespace {

Status bad_path(std::string_view text, const std::string& why) {
  return Status::invalid_argument("invalid JSONPath '" + std::string(text) + "': " + why);
}

void collect(const Json& node, const std::vector<JsonPath::Segment>& segs, std::size_t i,
             Json& out) {
  if (i == segs.size()) {
    out.push_back(node);
    return;
  }
  const auto& seg = segs[i];
  if (const auto* name = std::get_if<std::string>(&seg)) {
    if (node.is_object() && node.contains(*name)) collect(node.at(*name), segs, i + 1, out);
  } else if (const auto* idx = std::get_if<std::size_t>(&seg)) {
    if (node.is_array() && *idx < node.size()) collect(node.at(*idx), segs, i + 1, out);
  } else if (node.is_array() || node.is_object()) {
    for (const auto& child : node) collect(child, segs, i + 1, out);
  }
}

}  // namespace

Result<JsonPath> JsonPath::parse(std::string_view text) {
  JsonPath p;
  p.text_ = std::string(text);
  if (text.empty() || text[0] != '$') return bad_path(text, "a path starts with '$'");
  std::size_t i = 1;
  if (i < text.size() && text[i] == '$') {
    p.context_ = true;
    ++i;
  }
  while (i < text.size()) {
    char c = text[i];
    if (c == '.') {
      ++i;
      if (i < text.size() && text[i] == '.')
        return bad_path(text, "deep scan '..' is not supported");
      if (i < text.size() && text[i] == '*') {
        p.segments_.emplace_back(Wildcard{});
        p.reference_ = false;
        ++i;
        continue;
      }
      std::size_t start = i;
      while (i < text.size() && text[i] != '.' && text[i] != '[') {
        if (std::isspace(static_cast<unsigned char>(text[i])) != 0 || text[i] == ']' ||
            text[i] == '(' || text[i] == ')' || text[i] == '\'' || text[i] == '"' ||
            text[i] == '?' || text[i] == '@')
          return bad_path(text, "unexpected '" + std::string(1, text[i]) + "' in a field name");
        ++i;
      }
      if (i == start) return bad_path(text, "empty field name after '.'");
      p.segments_.emplace_back(std::string(text.substr(start, i - start)));
    } else if (c == '[') {
      ++i;
      if (i >= text.size()) return bad_path(text, "unterminated '['");
      if (text[i] == '\'' || text[i] == '"') {
        char q = text[i++];
        std::string name;
        while (i < text.size() && text[i] != q) {
          if (text[i] == '\\' && i + 1 < text.size()) ++i;
          name += text[i++];
        }
        if (i >= text.size()) return bad_path(text, "unterminated quoted name");
        ++i;
        if (i >= text.size() || text[i] != ']')
          return bad_path(text, "expected ']' after a quoted name");
        ++i;
        p.segments_.emplace_back(std::move(name));
      } else if (text[i] == '*') {
        ++i;
        if (i >= text.size() || text[i] != ']') return bad_path(text, "expected ']' after '*'");
        ++i;
        p.segments_.emplace_back(Wildcard{});
        p.reference_ = false;
      } else if (std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
        std::size_t n = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
          n = n * 10 + static_cast<std::size_t>(text[i] - '0');
          if (n > 100000000) return bad_path(text, "array index too large");
          ++i;
        }
        if (i >= text.size() || text[i] != ']')
          return bad_path(text, "slices, unions and negative indexes are not supported");
        ++i;
        p.segments_.emplace_back(n);
      } else {
        return bad_path(text, "filters, slices and negative indexes are not supported");
      }
    } else {
      return bad_path(text, "expected '.' or '[' at offset " + std::to_string(i));
    }
  }
  return p;
}

Result<Json> JsonPath::select(const Json& input, const Json& context) const {
  const Json& root = context_ ? context : input;
  if (!reference_) {
    Json out = Json::array();
    collect(root, segments_, 0, out);
    return out;
  }
  const Json* node = &root;
  for (const auto& seg : segments_) {
    if (const auto* name = std::get_if<std::string>(&seg)) {
      if (!node->is_object() || !node->contains(*name))
        return Status::not_found("path '" + text_ + "' selects nothing: no field '" + *name + "'");
      node = &node->at(*name);
    } else {
      auto idx = std::get<std::size_t>(seg);
      if (!node->is_array() || idx >= node->size())
        return Status::not_found("path '" + text_ + "' selects nothing: no element [" +
                                 std::to_string(idx) + "]");
      node = &node->at(idx);
    }
  }
  return *node;
}

Status JsonPath::assign(Json& target, Json value) const {
  if (context_ || !reference_)
    return Status::invalid_argument("'" + text_ + "' is not a reference path into '$'");
  Json* node = &target;
  for (const auto& seg : segments_) {
    if (const auto* name = std::get_if<std::string>(&seg)) {
      if (node->is_null()) *node = Json::object();
      if (!node->is_object())
        return Status::invalid_argument("ResultPath '" + text_ + "': cannot set field '" + *name +
                                        "' in a " + node->type_name());
      node = &(*node)[*name];
    } else {
      auto idx = std::get<std::size_t>(seg);
      if (!node->is_array() || idx >= node->size())
        return Status::invalid_argument("ResultPath '" + text_ + "': no array element [" +
                                        std::to_string(idx) + "] to replace");
      node = &(*node)[idx];
    }
  }
  *node = std::move(value);
  return Status::ok();
}

}  // namespace lifeboat::workflow

#include "workflow/payload_template.h"

#include "workflow/asl_error.h"
#include "workflow/intrinsic_functions.h"
#include "workflow/json_path.h"

namespace lifeboat::workflow {

using core::Json;
using core::Result;

namespace {

bool is_dynamic_key(const std::string& key) {
  return key.size() > 2 && key.compare(key.size() - 2, 2, ".$") == 0;
}

}  // namespace

// A compiled template: a literal, an object or array of nodes, a path or an intrinsic call.
struct PayloadTemplate::Node {
  enum class Kind { kLiteral, kObject, kArray, kPath, kIntrinsic };
  Kind kind = Kind::kLiteral;
  Json literal;                    // kLiteral
  std::vector<Node> children;      // kObject, kArray
  std::vector<std::string> names;  // kObject: the output name of each child
  std::string key;                 // the template key, for error causes
  std::string expr;                // kIntrinsic: the call's text
  JsonPath path;                   // kPath
};

namespace {

// True when the template holds no ".$" field anywhere: it is then copied as is.
bool is_static(const Json& tmpl) {
  if (tmpl.is_array()) {
    for (const auto& v : tmpl)
      if (!is_static(v)) return false;
    return true;
  }
  if (!tmpl.is_object()) return true;
  for (auto it = tmpl.begin(); it != tmpl.end(); ++it)
    if (is_dynamic_key(it.key()) || !is_static(it.value())) return false;
  return true;
}

Result<PayloadTemplate::Node> compile_node(const Json& tmpl, const std::string& field) {
  using Node = PayloadTemplate::Node;
  Node node;
  if (is_static(tmpl)) {
    node.literal = tmpl;
    return node;
  }
  if (tmpl.is_array()) {
    node.kind = Node::Kind::kArray;
    for (const auto& v : tmpl) {
      LIFEBOAT_ASSIGN_OR_RETURN(Node child, compile_node(v, field));
      node.children.push_back(std::move(child));
    }
    return node;
  }
  node.kind = Node::Kind::kObject;
  for (auto it = tmpl.begin(); it != tmpl.end(); ++it) {
    const std::string& key = it.key();
    if (!is_dynamic_key(key)) {
      LIFEBOAT_ASSIGN_OR_RETURN(Node child, compile_node(it.value(), field));
      node.names.push_back(key);
      node.children.push_back(std::move(child));
      continue;
    }
    Node leaf;
    leaf.key = key;
    if (!it.value().is_string())
      return asl_error(kErrParameterPathFailure,
                       field + " field '" + key + "' must hold a path or intrinsic function");
    const auto& expr = it.value().get_ref<const std::string&>();
    if (is_intrinsic_call(expr)) {
      leaf.kind = Node::Kind::kIntrinsic;
      leaf.expr = expr;
    } else {
      auto path = JsonPath::parse(expr);
      if (!path)
        return asl_error(kErrParameterPathFailure,
                         field + " field '" + key + "': " + path.status().message());
      leaf.kind = Node::Kind::kPath;
      leaf.path = std::move(path).value();
    }
    node.names.push_back(key.substr(0, key.size() - 2));
    node.children.push_back(std::move(leaf));
  }
  return node;
}

Result<Json> apply_node(const PayloadTemplate::Node& node, const Json& input, const Json& context,
                        const std::string& field) {
  using Kind = PayloadTemplate::Node::Kind;
  switch (node.kind) {
    case Kind::kLiteral:
      return node.literal;
    case Kind::kIntrinsic:
      return evaluate_intrinsic(node.expr, input, context);
    case Kind::kPath: {
      auto value = node.path.select(input, context);
      if (!value)
        return asl_error(kErrParameterPathFailure,
                         field + " field '" + node.key + "': " + value.status().message());
      return value;
    }
    case Kind::kArray: {
      Json out = Json::array();
      for (const auto& child : node.children) {
        LIFEBOAT_ASSIGN_OR_RETURN(Json r, apply_node(child, input, context, field));
        out.push_back(std::move(r));
      }
      return out;
    }
    case Kind::kObject:
      break;
  }
  Json out = Json::object();
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    LIFEBOAT_ASSIGN_OR_RETURN(Json r, apply_node(node.children[i], input, context, field));
    out[node.names[i]] = std::move(r);
  }
  return out;
}

}  // namespace

Result<PayloadTemplate> PayloadTemplate::compile(const Json& tmpl, const std::string& field) {
  LIFEBOAT_ASSIGN_OR_RETURN(Node root, compile_node(tmpl, field));
  PayloadTemplate t;
  t.root_ = std::make_shared<const Node>(std::move(root));
  t.field_ = field;
  return t;
}

Result<Json> PayloadTemplate::apply(const Json& input, const Json& context) const {
  return apply_node(*root_, input, context, field_);
}

Result<Json> apply_payload_template(const Json& tmpl, const Json& input, const Json& context,
                                    const std::string& field) {
  LIFEBOAT_ASSIGN_OR_RETURN(PayloadTemplate compiled, PayloadTemplate::compile(tmpl, field));
  return compiled.apply(input, context);
}

void check_payload_template(const Json& tmpl, const std::string& where,
                            std::vector<std::string>& problems) {
  if (tmpl.is_array()) {
    for (const auto& v : tmpl) check_payload_template(v, where, problems);
    return;
  }
  if (!tmpl.is_object()) return;
  for (auto it = tmpl.begin(); it != tmpl.end(); ++it) {
    const std::string& key = it.key();
    if (!is_dynamic_key(key)) {
      check_payload_template(it.value(), where + "." + key, problems);
      continue;
    }
    if (!it.value().is_string()) {
      problems.push_back(where + "." + key + ": a '.$' field must hold a path or intrinsic call");
      continue;
    }
    const auto& expr = it.value().get_ref<const std::string&>();
    if (is_intrinsic_call(expr)) {
      auto st = check_intrinsic_syntax(expr);
      if (!st) problems.push_back(where + "." + key + ": " + to_asl_error(st).cause);
    } else {
      auto path = JsonPath::parse(expr);
      if (!path) problems.push_back(where + "." + key + ": bad path: " + path.status().message());
    }
  }
}

}  // namespace lifeboat::workflow

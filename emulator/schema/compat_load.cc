// Loader: JSON -> node graph, draft-04/06/07 side (everit's SchemaLoader) and the
// builders both dialects share. See compat_loader.h for the model.

#include <algorithm>
#include <array>

#include "emulator/schema/compat_loader.h"

namespace eventfabric::schema::compat_detail {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 3> kCombinedKeywords = {"allOf", "anyOf", "oneOf"};

dialect detect_dialect(const json& root) {
  if (!root.is_object()) return dialect::draft7;
  auto it = root.find("$schema");
  if (it == root.end() || !it->is_string()) return dialect::draft7;
  const auto& uri = it->get_ref<const std::string&>();
  if (uri.find("draft-04") != std::string::npos) return dialect::draft4;
  if (uri.find("draft-06") != std::string::npos) return dialect::draft6;
  if (uri.find("2019-09") != std::string::npos) return dialect::draft2019;
  if (uri.find("2020-12") != std::string::npos) return dialect::draft2020;
  return dialect::draft7;
}

}  // namespace

bool is_array_keyword(std::string_view key, dialect d) {
  return key == "items" || key == "additionalItems" || key == "minItems" || key == "maxItems" ||
         key == "uniqueItems" || (d != dialect::draft4 && key == "contains");
}

bool is_object_keyword(std::string_view key, dialect d) {
  return key == "properties" || key == "required" || key == "minProperties" || key == "maxProperties" ||
         key == "dependencies" || key == "patternProperties" || key == "additionalProperties" ||
         (d != dialect::draft4 && key == "propertyNames");
}

bool is_number_keyword(std::string_view key) {
  return key == "minimum" || key == "maximum" || key == "exclusiveMinimum" || key == "exclusiveMaximum" ||
         key == "multipleOf";
}

bool is_string_keyword(std::string_view key) {
  return key == "minLength" || key == "maxLength" || key == "pattern" || key == "format";
}

std::string canonical_of(const node& n) {
  std::string text =
      n.source ? n.source->dump(-1, ' ', false, json::error_handler_t::replace) : std::string();
  return text + "|" + n.tag;
}

loader::loader(const json& document, loaded_schema& out) : document_(document), out_(out) {}

core::result<void> loader::run() {
  root_json_ = &document_;
  out_.version = detect_dialect(document_);
  const node* root = load(document_, 0);
  if (failed()) return std::unexpected(*error_);
  ref_targets_[root_json_] = root;
  if (auto r = resolve_pending(); !r) return r;
  out_.root = root;
  return {};
}

void loader::fail(std::string message) {
  if (!error_) error_ = core::error(core::errc::invalid_argument, std::move(message));
}

node& loader::make(node_kind kind, const json& source) {
  node& n = out_.nodes.emplace_back();
  n.kind = kind;
  n.source = &source;
  return n;
}

const node* loader::load(const json& value, int depth) {
  if (failed()) return nullptr;
  if (depth > kMaxSchemaDepth) {
    fail("schema nesting exceeds " + std::to_string(kMaxSchemaDepth) + " levels");
    return nullptr;
  }
  if (value.is_boolean()) {
    node& n = make(value.get<bool>() ? node_kind::true_schema : node_kind::false_schema, value);
    n.tag = value.get<bool>() ? "true" : "false";
    return &n;
  }
  if (!value.is_object()) {
    fail("a schema must be a JSON object or a boolean, found " + std::string(value.type_name()));
    return nullptr;
  }
  bool skema = out_.version == dialect::draft2019 || out_.version == dialect::draft2020;
  return skema ? load_skema(value, depth) : load_everit(value, depth);
}

// everit: "$ref" alone, else the extractors in order; several results -> synthetic allOf.
const node* loader::load_everit(const json& o, int depth) {
  bool is_root = &o == root_json_;
  if (o.contains("$ref")) {
    node* ref = load_ref(o);
    if (ref) apply_common(*ref, o, is_root);
    return ref;
  }
  std::vector<node*> fragments;
  if (o.contains("enum")) fragments.push_back(load_enum(o));
  std::vector<std::string> present;
  for (auto kw : kCombinedKeywords) {
    if (o.contains(kw)) present.emplace_back(kw);
  }
  for (const auto& kw : java_hash_order(present, 16)) fragments.push_back(load_combined(o, kw, depth));
  if (o.contains("not")) fragments.push_back(load_not(o, depth));
  if (out_.version != dialect::draft4 && o.contains("const")) fragments.push_back(load_const(o));

  std::vector<std::string> consumed;
  if (auto it = o.find("type"); it != o.end()) {
    auto consume = [&](std::string_view type) {
      for (const auto& [key, v] : o.items()) {
        bool mine = (type == "array" && is_array_keyword(key, out_.version)) ||
                    (type == "object" && is_object_keyword(key, out_.version)) ||
                    ((type == "number" || type == "integer") && is_number_keyword(key)) ||
                    (type == "string" && is_string_keyword(key));
        if (mine) consumed.push_back(key);
      }
    };
    if (it->is_string()) {
      fragments.push_back(load_typed(o, it->get_ref<const std::string&>(), depth));
      consume(it->get_ref<const std::string&>());
    } else if (it->is_array()) {
      node& any = make(node_kind::combined, o);
      any.crit = criterion::any_of;
      any.tag = "type-array";
      for (const auto& t : *it) {
        if (!t.is_string()) {
          fail("\"type\" array entries must be strings");
          return nullptr;
        }
        any.subschemas.push_back(load_typed(o, t.get_ref<const std::string&>(), depth));
        consume(t.get_ref<const std::string&>());
      }
      fragments.push_back(&any);
    } else {
      fail("\"type\" must be a string or an array of strings");
      return nullptr;
    }
  }
  sniff_everit(o, consumed, depth, fragments);
  if (out_.version == dialect::draft7 && (o.contains("if") || o.contains("then") || o.contains("else"))) {
    fragments.push_back(load_conditional(o));
  }
  if (failed()) return nullptr;

  node* result = nullptr;
  if (fragments.empty()) {
    result = &make(node_kind::empty, o);
    result->tag = "empty";
  } else if (fragments.size() == 1) {
    result = fragments.front();
  } else {
    result = &make(node_kind::combined, o);
    result->crit = criterion::all_of;
    result->generated = true;
    result->tag = "synthetic-allOf";
    result->subschemas.assign(fragments.begin(), fragments.end());
  }
  apply_common(*result, o, is_root);
  return result;
}

node* loader::load_typed(const json& o, std::string_view type, int depth) {
  auto typed = [&](node_kind kind) -> node& {
    node& n = make(kind, o);
    n.tag = "type:" + std::string(type);
    return n;
  };
  if (type == "string") {
    node& n = typed(node_kind::string);
    build_string(n, o);
    return &n;
  }
  if (type == "number" || type == "integer") {
    node& n = typed(node_kind::number);
    build_number(n, o);
    n.requires_integer = type == "integer";
    return &n;
  }
  if (type == "boolean") return &typed(node_kind::boolean);
  if (type == "null") return &typed(node_kind::null);
  if (type == "array") {
    node& n = typed(node_kind::array);
    build_everit_array(n, o, depth);
    return &n;
  }
  if (type == "object") {
    node& n = typed(node_kind::object);
    build_everit_object(n, o, depth);
    return &n;
  }
  fail("unknown type \"" + std::string(type) + "\"");
  return nullptr;
}

// everit's PropertySnifferSchemaExtractor over the keywords no earlier extractor consumed.
void loader::sniff_everit(const json& o, const std::vector<std::string>& consumed, int depth,
                          std::vector<node*>& fragments) {
  dialect d = out_.version;
  auto has = [&](auto pred) {
    for (const auto& [key, value] : o.items()) {
      if (pred(key) && std::find(consumed.begin(), consumed.end(), key) == consumed.end()) return true;
    }
    return false;
  };
  if (has([d](std::string_view k) { return is_array_keyword(k, d); })) {
    node& n = make(node_kind::array, o);
    n.tag = "sniffed-array";
    build_everit_array(n, o, depth);
    fragments.push_back(&n);
  }
  if (has([d](std::string_view k) { return is_object_keyword(k, d); })) {
    node& n = make(node_kind::object, o);
    n.tag = "sniffed-object";
    build_everit_object(n, o, depth);
    fragments.push_back(&n);
  }
  if (has([](std::string_view k) { return is_number_keyword(k); })) {
    node& n = make(node_kind::number, o);
    n.tag = "sniffed-number";
    build_number(n, o);
    fragments.push_back(&n);
  }
  if (has([](std::string_view k) { return is_string_keyword(k); })) {
    node& n = make(node_kind::string, o);
    n.tag = "sniffed-string";
    build_string(n, o);
    fragments.push_back(&n);
  }
}

void loader::build_everit_array(node& n, const json& o, int depth) {
  if (auto it = o.find("items"); it != o.end()) {
    if (it->is_array()) {
      for (const auto& item : *it) n.item_schemas.push_back(load(item, depth + 1));
    } else {
      n.all_items = load(*it, depth + 1);
    }
  }
  if (auto it = o.find("additionalItems"); it != o.end()) build_additional(n, *it, depth);
  build_limits_array(n, o);
}

void loader::build_everit_object(node& n, const json& o, int depth) {
  if (auto it = o.find("properties"); it != o.end()) build_properties(n, *it, depth);
  if (auto it = o.find("required"); it != o.end()) build_required(n, *it);
  if (auto it = o.find("additionalProperties"); it != o.end()) build_additional(n, *it, depth);
  if (auto it = o.find("patternProperties"); it != o.end()) build_pattern_properties(n, *it, depth);
  if (auto it = o.find("dependencies"); it != o.end()) {
    if (!it->is_object()) return fail("\"dependencies\" must be an object");
    for (const auto& [key, value] : it->items()) {
      if (value.is_array()) {
        std::vector<std::string> names;
        for (const auto& name : value) {
          if (name.is_string()) names.push_back(name.get<std::string>());
        }
        n.property_dependencies.emplace_back(key, std::move(names));
      } else {
        n.schema_dependencies.emplace_back(key, load(value, depth + 1));
      }
    }
  }
  build_limits_object(n, o);
}

}  // namespace eventfabric::schema::compat_detail

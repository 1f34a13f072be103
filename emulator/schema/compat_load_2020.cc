// Loader: the 2019-09/2020-12 side. Confluent loads these drafts with json-sKema
// (one schema per keyword) and translates them to everit schemas, merging keyword
// fragments of the same kind. See compat_loader.h for the model.

#include "emulator/schema/compat_loader.h"

namespace eventfabric::schema::compat_detail {
namespace {

using nlohmann::json;

bool mergeable(node_kind k) {
  return k == node_kind::array || k == node_kind::number || k == node_kind::object || k == node_kind::string;
}

bool is_generated(const node& n, criterion c) {
  return n.kind == node_kind::combined && n.generated && n.crit == c;
}

template <class T>
void take(std::optional<T>& dst, const std::optional<T>& src) {
  if (src) dst = src;
}

// SchemaUtils.merge: the fields a fragment sets are copied onto `dst`.
void merge_into(node& dst, const node& src) {
  take(dst.min_length, src.min_length);
  take(dst.max_length, src.max_length);
  take(dst.pattern, src.pattern);
  take(dst.maximum, src.maximum);
  take(dst.minimum, src.minimum);
  take(dst.exclusive_maximum, src.exclusive_maximum);
  take(dst.exclusive_minimum, src.exclusive_minimum);
  take(dst.multiple_of, src.multiple_of);
  dst.requires_integer = dst.requires_integer || src.requires_integer;
  dst.properties.insert(dst.properties.end(), src.properties.begin(), src.properties.end());
  dst.required.insert(dst.required.end(), src.required.begin(), src.required.end());
  dst.pattern_properties.insert(dst.pattern_properties.end(), src.pattern_properties.begin(),
                                src.pattern_properties.end());
  dst.property_dependencies.insert(dst.property_dependencies.end(), src.property_dependencies.begin(),
                                   src.property_dependencies.end());
  dst.schema_dependencies.insert(dst.schema_dependencies.end(), src.schema_dependencies.begin(),
                                 src.schema_dependencies.end());
  take(dst.max_properties, src.max_properties);
  take(dst.min_properties, src.min_properties);
  if (src.all_items) dst.all_items = src.all_items;
  if (!src.item_schemas.empty()) dst.item_schemas = src.item_schemas;
  take(dst.max_items, src.max_items);
  take(dst.min_items, src.min_items);
  take(dst.max_contains, src.max_contains);
  take(dst.min_contains, src.min_contains);
  dst.unique_items = dst.unique_items || src.unique_items;
  dst.permits_additional = dst.permits_additional && src.permits_additional;
  if (src.additional) dst.additional = src.additional;
  if (src.unevaluated) dst.unevaluated = src.unevaluated;
}

node* find_member(const node& any, node_kind kind) {
  for (const node* sub : any.subschemas) {
    if (sub->kind == kind) return const_cast<node*>(sub);  // members are loader-owned fragments
  }
  return nullptr;
}

bool has_any(const json& o, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (o.contains(key)) return true;
  }
  return false;
}

bool non_empty_object(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && (!it->is_object() || !it->empty());
}

}  // namespace

const node* loader::load_skema(const json& o, int depth) {
  std::vector<node*> fragments;
  skema_fragments(o, depth, fragments);
  if (failed()) return nullptr;
  node* acc = nullptr;
  for (node* fragment : fragments) acc = join(acc, fragment);
  if (!acc) {
    acc = &make(node_kind::empty, o);
    acc->tag = "empty";
  }
  apply_common(*acc, o, &o == root_json_);
  return acc;
}

// One fragment per keyword group, in everit's extractor order.
void loader::skema_fragments(const json& o, int depth, std::vector<node*>& fragments) {
  if (o.contains("$ref")) fragments.push_back(load_ref(o));
  if (o.contains("enum")) fragments.push_back(load_enum(o));
  for (const char* kw : {"allOf", "anyOf", "oneOf"}) {
    if (o.contains(kw)) fragments.push_back(load_combined(o, kw, depth));
  }
  if (o.contains("not")) fragments.push_back(load_not(o, depth));
  if (o.contains("const")) fragments.push_back(load_const(o));
  if (auto it = o.find("type"); it != o.end()) {
    auto bare = [&](const json& t) -> node* {
      const std::string type = t.is_string() ? t.get<std::string>() : std::string();
      node_kind kind = type == "string"                        ? node_kind::string
                       : type == "number" || type == "integer" ? node_kind::number
                       : type == "boolean"                     ? node_kind::boolean
                       : type == "null"                        ? node_kind::null
                       : type == "array"                       ? node_kind::array
                       : type == "object"                      ? node_kind::object
                                                               : node_kind::empty;
      if (kind == node_kind::empty) {
        fail("unknown type " + t.dump(-1, ' ', false, json::error_handler_t::replace));
        return nullptr;
      }
      node& n = make(kind, o);
      n.tag = "type:" + type;
      n.requires_integer = type == "integer";
      return &n;
    };
    if (it->is_array()) {
      node& any = make(node_kind::combined, o);
      any.crit = criterion::any_of;
      any.generated = true;
      any.tag = "type-array";
      for (const auto& t : *it) any.subschemas.push_back(bare(t));
      fragments.push_back(&any);
    } else {
      fragments.push_back(bare(*it));
    }
  }
  if (node* n = skema_array(o, depth)) fragments.push_back(n);
  if (node* n = skema_object(o, depth)) fragments.push_back(n);
  if (has_any(o, {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})) {
    node& n = make(node_kind::number, o);
    n.tag = "number-keywords";
    build_number(n, o);
    fragments.push_back(&n);
  }
  if (has_any(o, {"minLength", "maxLength", "pattern"})) {
    node& n = make(node_kind::string, o);
    n.tag = "string-keywords";
    build_string(n, o);
    fragments.push_back(&n);
  }
  if (has_any(o, {"if", "then", "else"})) fragments.push_back(load_conditional(o));
}

node* loader::skema_array(const json& o, int depth) {
  bool v2019 = out_.version == dialect::draft2019;
  if (!has_any(o, {"prefixItems", "items", "contains", "minItems", "maxItems", "uniqueItems",
                   "unevaluatedItems"}) &&
      !(v2019 && o.contains("additionalItems"))) {
    return nullptr;
  }
  node& n = make(node_kind::array, o);
  n.tag = "array-keywords";
  if (auto it = o.find("prefixItems"); it != o.end() && !v2019) {
    if (!it->is_array()) {
      fail("\"prefixItems\" must be an array");
      return nullptr;
    }
    for (const auto& item : *it) n.item_schemas.push_back(load(item, depth + 1));
  }
  if (auto it = o.find("items"); it != o.end()) {
    if (it->is_array()) {
      for (const auto& item : *it) n.item_schemas.push_back(load(item, depth + 1));
    } else if (v2019) {
      n.all_items = load(*it, depth + 1);
    } else if (it->is_boolean() || o.contains("prefixItems")) {
      build_additional(n, *it, depth);  // items after prefixItems, or items: true/false
    } else {
      n.all_items = load(*it, depth + 1);
    }
  }
  if (auto it = o.find("additionalItems"); it != o.end() && v2019) build_additional(n, *it, depth);
  if (o.contains("contains")) {
    n.min_contains =
        o.contains("minContains") ? integer_keyword(o, "minContains") : std::optional<long long>(1);
    n.max_contains = integer_keyword(o, "maxContains");
  }
  build_limits_array(n, o);
  if (auto it = o.find("unevaluatedItems"); it != o.end()) n.unevaluated = load(*it, depth + 1);
  return &n;
}

node* loader::skema_object(const json& o, int depth) {
  bool produces =
      non_empty_object(o, "properties") || non_empty_object(o, "patternProperties") ||
      has_any(o, {"additionalProperties", "required", "minProperties", "maxProperties", "dependentRequired",
                  "dependentSchemas", "propertyNames", "unevaluatedProperties"});
  if (!produces) return nullptr;
  node& n = make(node_kind::object, o);
  n.tag = "object-keywords";
  if (auto it = o.find("properties"); it != o.end()) build_properties(n, *it, depth);
  if (auto it = o.find("patternProperties"); it != o.end()) build_pattern_properties(n, *it, depth);
  if (auto it = o.find("required"); it != o.end()) build_required(n, *it);
  if (auto it = o.find("additionalProperties"); it != o.end()) build_additional(n, *it, depth);
  if (auto it = o.find("dependentRequired"); it != o.end()) {
    if (!it->is_object()) {
      fail("\"dependentRequired\" must be an object");
      return nullptr;
    }
    for (const auto& [key, value] : it->items()) {
      std::vector<std::string> names;
      if (value.is_array()) {
        for (const auto& name : value) {
          if (name.is_string()) names.push_back(name.get<std::string>());
        }
      }
      n.property_dependencies.emplace_back(key, std::move(names));
    }
  }
  if (auto it = o.find("dependentSchemas"); it != o.end()) {
    if (!it->is_object()) {
      fail("\"dependentSchemas\" must be an object");
      return nullptr;
    }
    for (const auto& [key, value] : it->items())
      n.schema_dependencies.emplace_back(key, load(value, depth + 1));
  }
  build_limits_object(n, o);
  if (auto it = o.find("unevaluatedProperties"); it != o.end()) n.unevaluated = load(*it, depth + 1);
  return &n;
}

// SchemaTranslator's SchemaContext.join for two sibling keyword fragments.
node* loader::join(node* acc, node* current) {
  if (!current) return acc;
  if (!acc) return current;
  if (mergeable(acc->kind) && acc->kind == current->kind) {
    merge_into(*acc, *current);
    return acc;
  }
  if (is_generated(*acc, criterion::any_of) && mergeable(current->kind)) {
    if (node* member = find_member(*acc, current->kind)) {
      merge_into(*member, *current);
      return acc;
    }
  }
  if (is_generated(*current, criterion::any_of) && mergeable(acc->kind)) {
    if (node* member = find_member(*current, acc->kind)) {
      merge_into(*member, *acc);
      return current;
    }
  }
  return generated_all_of({acc, current}, *acc->source);
}

node* loader::generated_all_of(std::vector<node*> parts, const json& source) {
  std::vector<node*> flat;
  for (node* part : parts) {
    if (is_generated(*part, criterion::all_of)) {
      for (const node* sub : part->subschemas) flat.push_back(const_cast<node*>(sub));
    } else {
      flat.push_back(part);
    }
  }
  node& all = make(node_kind::combined, source);
  all.crit = criterion::all_of;
  all.generated = true;
  all.tag = "generated-allOf";
  for (node* part : flat) {
    node* same = nullptr;
    for (const node* existing : all.subschemas) {
      if (mergeable(part->kind) && existing->kind == part->kind) same = const_cast<node*>(existing);
    }
    if (same) {
      merge_into(*same, *part);
    } else {
      all.subschemas.push_back(part);
    }
  }
  return &all;
}

// The translator splices a generated allOf subschema into an explicit allOf/anyOf/oneOf.
void loader::flatten_generated(node& combined) {
  std::vector<const node*> flat;
  for (const node* sub : combined.subschemas) {
    if (sub && is_generated(*sub, criterion::all_of)) {
      flat.insert(flat.end(), sub->subschemas.begin(), sub->subschemas.end());
    } else {
      flat.push_back(sub);
    }
  }
  combined.subschemas = std::move(flat);
}

core::result<std::unique_ptr<loaded_schema>> load(const json& schema) {
  auto out = std::make_unique<loaded_schema>();
  loader l(schema, *out);
  if (auto r = l.run(); !r) return std::unexpected(r.error());
  return out;
}

}  // namespace eventfabric::schema::compat_detail

#include "emulator/schema/schema_keywords.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "emulator/schema/schema_uri.h"

namespace eventfabric::schema::detail {
namespace {

using json = nlohmann::json;
using entry = std::pair<std::string_view, keyword_kind>;
using k = keyword_kind;

// Keywords with the same meaning in both dialects.
constexpr std::array<entry, 32> common_keywords = {{
    {"allOf", k::subschema_array},
    {"anyOf", k::subschema_array},
    {"oneOf", k::subschema_array},
    {"not", k::subschema},
    {"if", k::subschema},
    {"then", k::subschema},
    {"else", k::subschema},
    {"contains", k::subschema},
    {"additionalProperties", k::subschema},
    {"propertyNames", k::subschema},
    {"properties", k::subschema_map},
    {"patternProperties", k::subschema_map},
    {"definitions", k::container},
    {"$defs", k::container},
    {"const", k::native},
    {"enum", k::native},
    {"required", k::native},
    {"uniqueItems", k::native},
    {"maximum", k::native},
    {"minimum", k::native},
    {"exclusiveMaximum", k::native},
    {"exclusiveMinimum", k::native},
    {"maxLength", k::native},
    {"minLength", k::native},
    {"maxItems", k::native},
    {"minItems", k::native},
    {"maxProperties", k::native},
    {"minProperties", k::native},
    {"pattern", k::native},
    {"type", k::custom},
    {"multipleOf", k::custom},
    {"$id", k::identifier},
}};

constexpr std::array<entry, 13> common_meta = {{
    {"$schema", k::identifier},
    {"$ref", k::identifier},
    {"$comment", k::annotation},
    {"title", k::annotation},
    {"description", k::annotation},
    {"default", k::annotation},
    {"examples", k::annotation},
    {"readOnly", k::annotation},
    {"writeOnly", k::annotation},
    {"contentMediaType", k::annotation},
    {"contentEncoding", k::annotation},
    {"contentSchema", k::annotation},
    {"deprecated", k::annotation},
}};

constexpr std::array<entry, 16> draft7_keywords = {{
    {"items", k::items},
    {"additionalItems", k::subschema},
    {"dependencies", k::dependencies},
    {"format", k::custom},
    // Later-draft keywords: the author meant them, draft-07 would ignore them.
    {"prefixItems", k::unsupported},
    {"dependentRequired", k::unsupported},
    {"dependentSchemas", k::unsupported},
    {"unevaluatedItems", k::unsupported},
    {"unevaluatedProperties", k::unsupported},
    {"minContains", k::unsupported},
    {"maxContains", k::unsupported},
    {"$dynamicRef", k::unsupported},
    {"$dynamicAnchor", k::unsupported},
    {"$recursiveRef", k::unsupported},
    {"$recursiveAnchor", k::unsupported},
    {"$anchor", k::unsupported},
}};

constexpr std::array<entry, 16> draft2020_keywords = {{
    {"items", k::subschema},
    {"prefixItems", k::subschema_array},
    {"dependentSchemas", k::subschema_map},
    {"dependentRequired", k::translated},
    {"format", k::annotation},
    {"$anchor", k::identifier},
    {"$dynamicAnchor", k::identifier},
    {"$vocabulary", k::annotation},
    {"unevaluatedItems", k::unsupported},
    {"unevaluatedProperties", k::unsupported},
    {"minContains", k::unsupported},
    {"maxContains", k::unsupported},
    {"$dynamicRef", k::unsupported},
    {"$recursiveRef", k::unsupported},
    {"additionalItems", k::unsupported},
    {"dependencies", k::unsupported},
}};

template <std::size_t N>
std::optional<keyword_kind> find_in(const std::array<entry, N>& table, std::string_view key) {
  for (const auto& [name, kind] : table)
    if (name == key) return kind;
  return std::nullopt;
}

void each_in_array(const json& v, const std::string& prefix,
                   const std::function<void(const json&, const std::string&)>& fn) {
  if (!v.is_array()) return;
  for (std::size_t i = 0; i < v.size(); ++i) fn(v[i], prefix + "/" + std::to_string(i));
}

void each_in_object(const json& v, const std::string& prefix,
                    const std::function<void(const json&, const std::string&)>& fn) {
  if (!v.is_object()) return;
  for (const auto& [name, child] : v.items()) fn(child, prefix + "/" + escape_pointer_token(name));
}

const json* child_at(const json& node, const std::string& token) {
  if (node.is_object()) {
    auto it = node.find(token);
    return it == node.end() ? nullptr : &*it;
  }
  if (!node.is_array() || token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0'))
    return nullptr;
  std::size_t index = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return nullptr;
    index = index * 10 + static_cast<std::size_t>(c - '0');
  }
  return index < node.size() ? &node[index] : nullptr;
}

}  // namespace

const json* resolve_pointer(const json& root, std::string_view pointer) {
  const json* node = &root;
  std::size_t pos = 0;
  while (node && pos < pointer.size()) {
    if (pointer[pos] != '/') return nullptr;
    const auto next = pointer.find('/', pos + 1);
    const auto end = next == std::string_view::npos ? pointer.size() : next;
    node = child_at(*node, unescape_pointer_token(pointer.substr(pos + 1, end - pos - 1)));
    pos = end;
  }
  return node;
}

keyword_kind classify(std::string_view keyword, dialect d) noexcept {
  if (auto kind = find_in(common_keywords, keyword)) return *kind;
  if (auto kind = find_in(common_meta, keyword)) return *kind;
  auto kind = d == dialect::draft7 ? find_in(draft7_keywords, keyword) : find_in(draft2020_keywords, keyword);
  return kind.value_or(keyword_kind::unknown);
}

std::optional<dialect> dialect_of(std::string_view uri) noexcept {
  while (uri.ends_with('#')) uri.remove_suffix(1);
  if (uri.starts_with("https://"))
    uri.remove_prefix(8);
  else if (uri.starts_with("http://"))
    uri.remove_prefix(7);
  else
    return std::nullopt;
  if (uri == "json-schema.org/draft-07/schema" || uri == "json-schema.org/draft-06/schema")
    return dialect::draft7;
  if (uri == "json-schema.org/draft/2020-12/schema") return dialect::draft2020_12;
  return std::nullopt;
}

void for_each_subschema(const json& node, dialect d,
                        const std::function<void(const json&, const std::string&)>& fn) {
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    const std::string prefix = "/" + escape_pointer_token(key);
    switch (classify(key, d)) {
      case k::subschema:
        fn(value, prefix);
        break;
      case k::subschema_array:
        each_in_array(value, prefix, fn);
        break;
      case k::subschema_map:
      case k::container:
        each_in_object(value, prefix, fn);
        break;
      case k::items:
        if (value.is_array())
          each_in_array(value, prefix, fn);
        else
          fn(value, prefix);
        break;
      case k::dependencies:
        if (value.is_object())
          for (const auto& [name, dep] : value.items())
            if (!dep.is_array()) fn(dep, prefix + "/" + escape_pointer_token(name));
        break;
      case k::unsupported:
        if (key == "unevaluatedItems" || key == "unevaluatedProperties" || key == "additionalItems")
          fn(value, prefix);
        else if (key == "dependentSchemas")
          each_in_object(value, prefix, fn);
        else if (key == "prefixItems")
          each_in_array(value, prefix, fn);
        break;
      default:
        break;
    }
  }
}

}  // namespace eventfabric::schema::detail

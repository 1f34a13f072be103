// ObjectSchemaDiff: required, properties against the content model (open, closed,
// partially open through patternProperties / additionalProperties /
// unevaluatedProperties), dependencies, additional and unevaluated properties,
// and the size limits — in Confluent's order.

#include <algorithm>
#include <optional>
#include <regex>
#include <unordered_map>
#include <unordered_set>

#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema::compat_detail {
namespace {

// Name -> schema lookup over a property list: a scan for short lists, a hash index
// for long ones (schemas with thousands of properties).
class name_index {
 public:
  explicit name_index(const std::vector<named_node>& list) : list_(list) {
    if (list.size() > kScanLimit) {
      index_.reserve(list.size());
      for (const auto& [key, schema] : list) index_.emplace(key, schema);
    }
  }
  // Looks `key` up; `found` tells a missing entry from a null schema.
  const node* find(std::string_view key, bool& found) const {
    found = false;
    if (list_.size() <= kScanLimit) {
      for (const auto& [name, schema] : list_) {
        if (name == key) {
          found = true;
          return schema;
        }
      }
      return nullptr;
    }
    auto it = index_.find(key);
    found = it != index_.end();
    return found ? it->second : nullptr;
  }

 private:
  static constexpr std::size_t kScanLimit = 16;
  const std::vector<named_node>& list_;
  std::unordered_map<std::string_view, const node*> index_;
};

class name_set {
 public:
  explicit name_set(const std::vector<std::string>& names) : names_(names) {
    if (names.size() > 16) set_.insert(names.begin(), names.end());
  }
  bool contains(std::string_view name) const {
    if (names_.size() <= 16) return std::find(names_.begin(), names_.end(), name) != names_.end();
    return set_.contains(name);
  }

 private:
  const std::vector<std::string>& names_;
  std::unordered_set<std::string_view> set_;
};

bool is_false(const node* n) { return n && n->kind == node_kind::false_schema; }
bool is_empty(const node* n) {
  return n && (n->kind == node_kind::empty || n->kind == node_kind::true_schema);
}

std::vector<std::string> keys_of(const std::vector<named_node>& list) {
  std::vector<std::string> keys;
  for (const auto& e : list) keys.push_back(e.first);
  return keys;
}

// Java's Pattern.matcher(key).find(); an invalid pattern matches nothing. Compiled
// patterns are cached per thread. Keys longer than kMaxRegexKey are not matched:
// std::regex recurses per input character, and a hostile key must not overflow the stack.
bool pattern_finds(const std::string& pattern, const std::string& key) {
  constexpr std::size_t kMaxRegexKey = 256;
  constexpr std::size_t kMaxCachedPatterns = 256;
  thread_local std::unordered_map<std::string, std::optional<std::regex>> cache;
  if (key.size() > kMaxRegexKey) return false;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    if (cache.size() >= kMaxCachedPatterns) cache.clear();
    std::optional<std::regex> compiled;
    try {
      compiled.emplace(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
    }
    it = cache.emplace(pattern, std::move(compiled)).first;
  }
  if (!it->second) return false;
  try {
    return std::regex_search(key, *it->second);
  } catch (const std::regex_error&) {
    return false;
  }
}

bool additional_absent(const node& n) { return n.permits_additional && !n.additional; }

// Open: no patternProperties, additionalProperties absent or true, and
// unevaluatedProperties absent or accepting everything.
bool is_open(const node& n) {
  return n.pattern_properties.empty() && additional_absent(n) && (!n.unevaluated || is_empty(n.unevaluated));
}

// The schema that covers `key` in a partially open model: a matching pattern, else
// the additionalProperties schema, else (additionalProperties absent) the
// unevaluatedProperties schema. nullptr if the model is closed for `key`.
const node* partial_schema(const node& n, const std::string& key) {
  for (const auto& [pattern, schema] : n.pattern_properties) {
    if (pattern_finds(pattern, key)) return schema;
  }
  if (n.additional) return n.additional;
  if (additional_absent(n) && n.unevaluated && !is_false(n.unevaluated) && !is_empty(n.unevaluated)) {
    return n.unevaluated;
  }
  return nullptr;
}

}  // namespace

void walker::compare_object(const node& o, const node& u, diff_list& out) {
  name_index original_properties(o.properties);
  name_index update_properties(u.properties);
  name_set original_required(o.required);
  name_set update_required(u.required);
  // required
  for (const auto& [key, schema] : o.properties) {
    bool found = false;
    const node* update_schema = update_properties.find(key, found);
    if (!found) continue;
    bool was = original_required.contains(key);
    bool is = update_required.contains(key);
    std::string path = "required/" + key;
    if (was && !is) {
      add(out, ct::REQUIRED_ATTRIBUTE_REMOVED, path);
    } else if (!was && is) {
      bool has_default = update_schema && update_schema->default_value;
      add(out, has_default ? ct::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED : ct::REQUIRED_ATTRIBUTE_ADDED, path);
    }
  }
  // properties
  for (const auto& key : union_key_order(keys_of(o.properties), keys_of(u.properties))) {
    std::string path = "properties/" + key;
    bool in_original = false;
    bool in_update = false;
    const node* os = original_properties.find(key, in_original);
    const node* us = update_properties.find(key, in_update);
    if (!in_update) {
      compare_property_removed(u, key, os, path, out);
    } else if (!in_original) {
      compare_property_added(o, update_required.contains(key), us, key, path, out);
    } else {
      append(out, compare(os, us), path);
    }
  }
  compare_dependencies(o, u, out);
  // additionalProperties
  if (o.permits_additional != u.permits_additional) {
    add(out, u.permits_additional ? ct::ADDITIONAL_PROPERTIES_ADDED : ct::ADDITIONAL_PROPERTIES_REMOVED,
        "additionalProperties");
  } else if (!o.additional && u.additional) {
    add(out, ct::ADDITIONAL_PROPERTIES_NARROWED, "additionalProperties");
  } else if (o.additional && !u.additional) {
    add(out, ct::ADDITIONAL_PROPERTIES_EXTENDED, "additionalProperties");
  } else if (o.additional) {
    append(out, compare(o.additional, u.additional), "additionalProperties");
  }
  compare_unevaluated(o.unevaluated, u.unevaluated, "unevaluatedProperties", ct::UNEVALUATED_PROPERTIES_ADDED,
                      ct::UNEVALUATED_PROPERTIES_REMOVED, ct::UNEVALUATED_PROPERTIES_EXTENDED,
                      ct::UNEVALUATED_PROPERTIES_NARROWED, out);
  compare_count(out, "maxProperties", o.max_properties, u.max_properties, ct::MAX_PROPERTIES_ADDED,
                ct::MAX_PROPERTIES_REMOVED, ct::MAX_PROPERTIES_INCREASED, ct::MAX_PROPERTIES_DECREASED);
  compare_count(out, "minProperties", o.min_properties, u.min_properties, ct::MIN_PROPERTIES_ADDED,
                ct::MIN_PROPERTIES_REMOVED, ct::MIN_PROPERTIES_INCREASED, ct::MIN_PROPERTIES_DECREASED);
}

// Only the update's content model matters: a property can go if the update still
// accepts its old values.
void walker::compare_property_removed(const node& u, const std::string& key, const node* original_schema,
                                      const std::string& path, diff_list& out) {
  if (is_open(u)) return add(out, ct::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, path);
  if (const node* partial = partial_schema(u, key)) {
    diff_list sub = compare(original_schema, partial);
    append(out, sub, path);
    return add(out,
               compatible(sub) ? ct::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                               : ct::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
               path);
  }
  add(out,
      is_false(original_schema) ? ct::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                                : ct::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
      path);
}

// Only the original's content model matters: old data may already carry the new
// property unless the original closed (or constrained) it.
void walker::compare_property_added(const node& o, bool required, const node* update_schema,
                                    const std::string& key, const std::string& path, diff_list& out) {
  bool has_default = update_schema->default_value != nullptr;
  if (is_open(o)) {
    if (is_empty(update_schema))
      return add(out, ct::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, path);
    if (!required) return add(out, ct::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, path);
    return add(out,
               has_default ? ct::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
                           : ct::REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
               path);
  }
  if (const node* partial = partial_schema(o, key)) {
    diff_list sub = compare(partial, update_schema);
    append(out, sub, path);
    add(out,
        compatible(sub) ? ct::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                        : ct::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
        path);
  }
  if (!required) return add(out, ct::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, path);
  add(out,
      has_default ? ct::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                  : ct::REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
      path);
}

void walker::compare_dependencies(const node& o, const node& u, diff_list& out) {
  using dependency_index = std::unordered_map<std::string_view, const std::vector<std::string>*>;
  auto index = [](const node& n, std::vector<std::string>& keys) {
    dependency_index idx;
    for (const auto& [key, names] : n.property_dependencies) {
      keys.push_back(key);
      idx.emplace(key, &names);
    }
    return idx;
  };
  auto includes = [](const std::vector<std::string>& all, const std::vector<std::string>& some) {
    std::unordered_set<std::string_view> set(all.begin(), all.end());
    return std::all_of(some.begin(), some.end(), [&](const std::string& s) { return set.contains(s); });
  };
  std::vector<std::string> original_keys, update_keys;
  dependency_index original_deps = index(o, original_keys);
  dependency_index update_deps = index(u, update_keys);
  for (const auto& key : union_key_order(original_keys, update_keys)) {
    std::string path = "dependencies/" + key;
    auto oi = original_deps.find(key);
    auto ui = update_deps.find(key);
    if (ui == update_deps.end()) {
      add(out, ct::DEPENDENCY_ARRAY_REMOVED, path);
    } else if (oi == original_deps.end()) {
      add(out, ct::DEPENDENCY_ARRAY_ADDED, path);
    } else if (!(includes(*oi->second, *ui->second) && includes(*ui->second, *oi->second))) {
      if (includes(*ui->second, *oi->second)) {
        add(out, ct::DEPENDENCY_ARRAY_EXTENDED, path);
      } else if (includes(*oi->second, *ui->second)) {
        add(out, ct::DEPENDENCY_ARRAY_NARROWED, path);
      } else {
        add(out, ct::DEPENDENCY_ARRAY_CHANGED, path);
      }
    }
  }
  name_index original_schemas(o.schema_dependencies);
  name_index update_schemas(u.schema_dependencies);
  for (const auto& key : union_key_order(keys_of(o.schema_dependencies), keys_of(u.schema_dependencies))) {
    std::string path = "dependencies/" + key;
    bool in_o = false;
    bool in_u = false;
    const node* os = original_schemas.find(key, in_o);
    const node* us = update_schemas.find(key, in_u);
    if (!in_u) {
      add(out, ct::DEPENDENCY_SCHEMA_REMOVED, path);
    } else if (!in_o) {
      add(out, ct::DEPENDENCY_SCHEMA_ADDED, path);
    } else {
      append(out, compare(os, us), path);
    }
  }
}

// unevaluatedProperties / unevaluatedItems (2019-09+): false closes, absent/true/{}
// opens, a schema partially opens.
void walker::compare_unevaluated(const node* o, const node* u, const char* path, ct added, ct removed,
                                 ct extended, ct narrowed, diff_list& out) {
  if (!o && !u) return;
  if (!o) return add(out, is_false(u) ? removed : narrowed, path);
  if (!u) return add(out, is_false(o) ? added : extended, path);
  if (is_false(o) && !is_false(u)) return add(out, added, path);
  if (!is_false(o) && is_false(u)) return add(out, removed, path);
  if (is_empty(o) && !is_empty(u)) return add(out, narrowed, path);
  if (!is_empty(o) && is_empty(u)) return add(out, extended, path);
  append(out, compare(o, u), path);
}

void walker::compare_count(diff_list& out, const char* attribute, const std::optional<long long>& o,
                           const std::optional<long long>& u, ct added, ct removed, ct increased,
                           ct decreased) {
  if (!o && !u) return;
  if (!o) return add(out, added, attribute);
  if (!u) return add(out, removed, attribute);
  if (*o < *u) return add(out, increased, attribute);
  if (*o > *u) add(out, decreased, attribute);
}

}  // namespace eventfabric::schema::compat_detail

// Loader: keyword builders both dialects share, common schema properties, and
// "$ref" resolution (same-document JSON pointers, "$id" bases and anchors).

#include <cmath>
#include <vector>

#include "emulator/core/text.h"
#include "emulator/schema/compat_loader.h"

namespace eventfabric::schema::compat_detail {
namespace {

using nlohmann::json;

bool is_skema(dialect d) { return d == dialect::draft2019 || d == dialect::draft2020; }

// Walks an RFC 6901 pointer ("/a/b~1c/0") from `at`; nullptr if it leads nowhere.
const json* walk_pointer(const json& at, std::string_view pointer) {
  const json* cur = &at;
  std::size_t pos = 0;
  while (pos < pointer.size()) {
    if (pointer[pos] != '/') return nullptr;
    std::size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token;
    for (std::size_t i = pos + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        token.push_back(pointer[i + 1] == '0' ? '~' : '/');
        ++i;
      } else {
        token.push_back(pointer[i]);
      }
    }
    if (cur->is_object()) {
      auto it = cur->find(token);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos || token.size() > 9) {
        return nullptr;
      }
      std::size_t index = std::stoul(token);
      if (index >= cur->size()) return nullptr;
      cur = &(*cur)[index];
    } else {
      return nullptr;
    }
    pos = end;
  }
  return cur;
}

// Depth-first search over every object in `at` (iterative: documents may be deep).
template <class Pred>
const json* find_object(const json& at, Pred pred) {
  std::vector<const json*> stack{&at};
  while (!stack.empty()) {
    const json* cur = stack.back();
    stack.pop_back();
    if (cur->is_object() && pred(*cur)) return cur;
    if (cur->is_structured()) {
      for (auto it = cur->rbegin(); it != cur->rend(); ++it) {
        if (it->is_structured()) stack.push_back(&*it);
      }
    }
  }
  return nullptr;
}

bool string_member_equals(const json& o, const char* key, std::string_view value) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() && it->get_ref<const std::string&>() == value;
}

}  // namespace

node* loader::load_ref(const json& o) {
  const json& ref = o["$ref"];
  if (!ref.is_string()) {
    fail("\"$ref\" must be a string");
    return nullptr;
  }
  node& n = make(node_kind::reference, o);
  n.tag = "ref";
  pending_.push_back({&n, ref.get<std::string>()});
  return &n;
}

node* loader::load_combined(const json& o, std::string_view keyword, int depth) {
  const json& subs = o[std::string(keyword)];
  if (!subs.is_array()) {
    fail("\"" + std::string(keyword) + "\" must be an array");
    return nullptr;
  }
  node& n = make(node_kind::combined, o);
  n.crit = keyword == "allOf"   ? criterion::all_of
           : keyword == "anyOf" ? criterion::any_of
                                : criterion::one_of;
  n.tag = "combined:" + std::string(keyword);
  for (const auto& sub : subs) n.subschemas.push_back(load(sub, depth + 1));
  if (is_skema(out_.version)) flatten_generated(n);
  return &n;
}

node* loader::load_enum(const json& o) {
  const json& values = o["enum"];
  if (!values.is_array()) {
    fail("\"enum\" must be an array");
    return nullptr;
  }
  node& n = make(node_kind::enumeration, o);
  n.tag = "enum";
  for (const auto& v : values) n.values.push_back(&v);
  return &n;
}

node* loader::load_const(const json& o) {
  node& n = make(node_kind::constant, o);
  n.tag = "const";
  n.values.push_back(&o["const"]);
  return &n;
}

node* loader::load_not(const json& o, int depth) {
  node& n = make(node_kind::negation, o);
  n.tag = "not";
  n.must_not = load(o["not"], depth + 1);
  return &n;
}

node* loader::load_conditional(const json& o) {
  node& n = make(node_kind::conditional, o);
  n.tag = "if-then-else";
  return &n;
}

std::optional<long long> loader::integer_keyword(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<long long>();
  if (it->is_number_float()) {
    double d = it->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) return static_cast<long long>(d);
  }
  fail("\"" + std::string(key) + "\" must be an integer");
  return std::nullopt;
}

std::optional<json> loader::number_keyword(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (!it->is_number()) {
    fail("\"" + std::string(key) + "\" must be a number");
    return std::nullopt;
  }
  return *it;
}

void loader::build_string(node& n, const json& o) {
  n.min_length = integer_keyword(o, "minLength");
  n.max_length = integer_keyword(o, "maxLength");
  if (auto it = o.find("pattern"); it != o.end()) {
    if (!it->is_string()) return fail("\"pattern\" must be a string");
    n.pattern = it->get<std::string>();
  }
}

void loader::build_number(node& n, const json& o) {
  n.maximum = number_keyword(o, "maximum");
  n.minimum = number_keyword(o, "minimum");
  // draft-04 exclusiveMaximum/exclusiveMinimum are booleans that modify maximum/minimum;
  // everit keeps no limit for them, so Confluent never reports them.
  if (out_.version != dialect::draft4) {
    n.exclusive_maximum = number_keyword(o, "exclusiveMaximum");
    n.exclusive_minimum = number_keyword(o, "exclusiveMinimum");
  }
  n.multiple_of = number_keyword(o, "multipleOf");
}

void loader::build_properties(node& n, const json& properties, int depth) {
  if (!properties.is_object()) return fail("\"properties\" must be an object");
  std::vector<std::string> keys;
  std::unordered_map<std::string, const node*> loaded;
  for (const auto& [key, value] : properties.items()) {
    keys.push_back(key);
    loaded[key] = load(value, depth + 1);
  }
  for (auto& key : java_hash_order(keys, 16)) n.properties.emplace_back(key, loaded[key]);
}

void loader::build_pattern_properties(node& n, const json& patterns, int depth) {
  if (!patterns.is_object()) return fail("\"patternProperties\" must be an object");
  std::vector<std::string> keys;
  std::unordered_map<std::string, const node*> loaded;
  for (const auto& [key, value] : patterns.items()) {
    keys.push_back(key);
    loaded[key] = load(value, depth + 1);
  }
  for (auto& key : java_hash_order(keys, 16)) n.pattern_properties.emplace_back(key, loaded[key]);
}

void loader::build_required(node& n, const json& required) {
  if (!required.is_array()) return fail("\"required\" must be an array");
  for (const auto& name : required) {
    if (name.is_string()) n.required.push_back(name.get<std::string>());
  }
}

// additionalProperties / additionalItems (and 2020-12 "items" after prefixItems):
// a boolean sets whether extra entries are permitted, a schema constrains them.
void loader::build_additional(node& n, const json& value, int depth) {
  if (value.is_boolean()) {
    n.permits_additional = value.get<bool>();
  } else {
    n.additional = load(value, depth + 1);
  }
}

void loader::build_limits_object(node& n, const json& o) {
  n.max_properties = integer_keyword(o, "maxProperties");
  n.min_properties = integer_keyword(o, "minProperties");
}

void loader::build_limits_array(node& n, const json& o) {
  n.max_items = integer_keyword(o, "maxItems");
  n.min_items = integer_keyword(o, "minItems");
  if (auto it = o.find("uniqueItems"); it != o.end() && it->is_boolean()) n.unique_items = it->get<bool>();
}

// everit's loadCommonSchemaProperties plus the unprocessed properties the diff reads.
void loader::apply_common(node& n, const json& o, bool is_root) {
  const char* id_key = out_.version == dialect::draft4 ? "id" : "$id";
  if (auto it = o.find(id_key); it != o.end() && it->is_string() && !(is_root && is_skema(out_.version))) {
    n.id = it->get<std::string>();
  }
  if (auto it = o.find("title"); it != o.end() && it->is_string()) n.title = it->get<std::string>();
  if (auto it = o.find("description"); it != o.end() && it->is_string())
    n.description = it->get<std::string>();
  if (auto it = o.find("default"); it != o.end()) n.default_value = &*it;
  if (auto it = o.find("connect.type"); it != o.end() && it->is_string())
    n.connect_type = it->get<std::string>();
  bool contains_handled = is_skema(out_.version) && o.contains("contains");
  if (n.kind == node_kind::array && !contains_handled) {
    auto raw = [&](const char* key) -> std::optional<long long> {
      auto it = o.find(key);
      if (it == o.end() || !it->is_number()) return std::nullopt;
      return static_cast<long long>(it->get<double>());
    };
    n.max_contains = raw("maxContains");
    n.min_contains = raw("minContains");
  }
}

const json* loader::resolve(const std::string& ref) {
  std::size_t hash = ref.find('#');
  std::string base = ref.substr(0, hash);
  std::string fragment = hash == std::string::npos ? std::string() : core::percent_decode(ref.substr(hash + 1));
  const json* scope = root_json_;
  if (!base.empty() &&
      !string_member_equals(*root_json_, out_.version == dialect::draft4 ? "id" : "$id", base)) {
    const char* id_key = out_.version == dialect::draft4 ? "id" : "$id";
    scope = find_object(*root_json_, [&](const json& o) { return string_member_equals(o, id_key, base); });
    if (!scope) return nullptr;
  }
  if (fragment.empty()) return scope;
  if (fragment.front() == '/') return walk_pointer(*scope, fragment);
  return find_object(*root_json_, [&](const json& o) {
    return string_member_equals(o, "$anchor", fragment) || string_member_equals(o, "$id", "#" + fragment) ||
           string_member_equals(o, "id", "#" + fragment);
  });
}

core::result<void> loader::resolve_pending() {
  while (!pending_.empty() && !failed()) {
    pending_ref p = std::move(pending_.back());
    pending_.pop_back();
    const json* target = resolve(p.uri);
    if (!target) return core::fail(core::errc::invalid_argument, "unresolvable $ref \"" + p.uri + "\"");
    auto it = ref_targets_.find(target);
    if (it == ref_targets_.end()) {
      const node* loaded = load(*target, 0);
      it = ref_targets_.emplace(target, loaded).first;
    }
    p.ref->target = it->second;
  }
  if (failed()) return std::unexpected(*error_);
  // A chain of references that only points at references never reaches a schema.
  for (node& n : out_.nodes) {
    if (n.kind != node_kind::reference) continue;
    const node* cur = &n;
    std::size_t hops = 0;
    while (cur && cur->kind == node_kind::reference) {
      cur = cur->target;
      if (++hops > out_.nodes.size())
        return core::fail(core::errc::invalid_argument, "$ref loop without a schema");
    }
    if (!cur) return core::fail(core::errc::invalid_argument, "unresolved $ref");
    const_cast<node*>(cur)->ref_target = true;  // every node is owned by out_.nodes
  }
  return {};
}

}  // namespace eventfabric::schema::compat_detail

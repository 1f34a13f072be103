#include "emulator/schema/schema_bundle.h"

#include <cmath>
#include <deque>
#include <regex>
#include <unordered_map>
#include <unordered_set>

#include "emulator/schema/schema_formats.h"
#include "emulator/schema/schema_keywords.h"
#include "emulator/schema/schema_uri.h"

namespace eventfabric::schema::detail {
namespace {

using json = nlohmann::json;

constexpr std::size_t max_pattern_bytes = 4096;

struct compile_failure {
  std::string message;
};
[[noreturn]] void fail_compile(std::string message) { throw compile_failure{std::move(message)}; }

struct location {
  std::size_t doc = 0;
  std::string pointer;  // RFC 6901, escaped
};
std::string key_of(const location& l) { return std::to_string(l.doc) + "#" + l.pointer; }

bool is_count_keyword(std::string_view k) {
  return k == "maxLength" || k == "minLength" || k == "maxItems" || k == "minItems" || k == "maxProperties" ||
         k == "minProperties";
}

void check_regex(const json& pattern, const std::string& where) {
  if (!pattern.is_string()) fail_compile("pattern at " + where + " must be a string");
  const auto& p = pattern.get_ref<const std::string&>();
  if (p.size() > max_pattern_bytes)
    fail_compile("pattern at " + where + " is longer than " + std::to_string(max_pattern_bytes) + " bytes");
  try {
    std::regex re(p, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    fail_compile("invalid regular expression at " + where + ": " + e.what());
  }
}

json check_type(const json& v, const std::string& where) {
  static const std::unordered_set<std::string> names = {"null",   "boolean", "object", "array",
                                                        "number", "string",  "integer"};
  auto ok = [&](const json& n) { return n.is_string() && names.contains(n.get_ref<const std::string&>()); };
  bool valid = ok(v) || (v.is_array() && !v.empty());
  if (v.is_array())
    for (const auto& n : v) valid = valid && ok(n);
  if (!valid) fail_compile("type at " + where + " must be a type name or a non-empty array of type names");
  return v;
}

void add_dependency(json& out, const std::string& name, json dep) {
  json& deps = out["dependencies"];
  if (!deps.contains(name)) {
    deps[name] = std::move(dep);
    return;
  }
  auto as_schema = [](json d) { return d.is_array() ? json{{"required", std::move(d)}} : d; };
  deps[name] = json{{"allOf", json::array({as_schema(deps[name]), as_schema(std::move(dep))})}};
}

class bundler {
 public:
  explicit bundler(const compile_options& o) : opts_(o) {}
  bundle run(const json& root);

 private:
  const json& at(const location& l) const { return *resolve_pointer(*docs_[l.doc], l.pointer); }
  std::string where(const location& l) const {
    const std::string p = l.pointer.empty() ? "/" : l.pointer;
    return l.doc == 0 ? p : doc_names_[l.doc] + "#" + p;
  }
  void add_document(const json* doc, const std::string& base, std::string name);
  void load_remote(const std::string& uri);
  void index(const json& node, const location& loc, const std::string& outer);
  std::string inner_base(const json& node, const std::string& outer) const;
  bool is_pure_ref(const json& node) const;
  location locate(const std::string& uri);
  location follow_refs(std::string uri);
  std::string base_at(const location& l);
  std::size_t slot_for(const location& l);
  json emit(const json& node, const location& loc, const std::string& inner);
  json emit_child(const json& node, const location& parent, const std::string& suffix,
                  const std::string& inner);
  void emit_keyword(const std::string& key, const json& value, const location& loc, const std::string& inner,
                    json& out, json& prefix_items);

  const compile_options& opts_;
  dialect dialect_ = dialect::draft7;
  std::deque<json> owned_;  // fetched documents
  std::vector<const json*> docs_;
  std::vector<std::string> doc_names_;
  std::unordered_map<std::string, location> ids_;       // absolute URI or URI#anchor -> subschema
  std::unordered_map<std::string, std::string> bases_;  // key_of(location) -> base URI inside it
  std::unordered_map<std::string, std::size_t> slots_;  // key_of(target) -> table slot
  std::vector<location> slot_locations_;
  bundle out_;
};

std::string bundler::inner_base(const json& node, const std::string& outer) const {
  if (!node.is_object()) return outer;
  auto id = node.find("$id");
  if (id == node.end() || !id->is_string()) return outer;
  if (dialect_ == dialect::draft7 && node.contains("$ref")) return outer;  // $ref siblings are ignored
  const auto& s = id->get_ref<const std::string&>();
  if (s.starts_with('#')) return outer;  // a draft-07 plain-name anchor
  return split_fragment(resolve_uri(outer, s)).first;
}

void bundler::index(const json& node, const location& loc, const std::string& outer) {
  if (!node.is_object()) return;
  const std::string inner = inner_base(node, outer);
  auto id = node.find("$id");
  if (id != node.end() && id->is_string() && !(dialect_ == dialect::draft7 && node.contains("$ref"))) {
    const auto& s = id->get_ref<const std::string&>();
    const auto [uri, fragment] = split_fragment(resolve_uri(outer, s));
    ids_.emplace(uri + (s.starts_with('#') ? "#" + fragment : ""), loc);
    if (!s.starts_with('#') && !fragment.empty() && fragment[0] != '/')
      ids_.emplace(uri + "#" + fragment, loc);
  }
  if (dialect_ == dialect::draft2020_12)
    for (const char* k : {"$anchor", "$dynamicAnchor"})
      if (auto a = node.find(k); a != node.end() && a->is_string())
        ids_.emplace(inner + "#" + a->get<std::string>(), loc);
  bases_.emplace(key_of(loc), inner);
  if (dialect_ == dialect::draft7 && node.contains("$ref")) return;
  for_each_subschema(node, dialect_, [&](const json& child, const std::string& suffix) {
    index(child, location{loc.doc, loc.pointer + suffix}, inner);
  });
}

void bundler::add_document(const json* doc, const std::string& base, std::string name) {
  const json_shape shape = measure(*doc, opts_.max_schema_depth);
  if (shape.depth > opts_.max_schema_depth)
    fail_compile("schema " + (name.empty() ? std::string("document") : name) + " nests deeper than " +
                 std::to_string(opts_.max_schema_depth) + " levels");
  docs_.push_back(doc);
  doc_names_.push_back(std::move(name));
  const location root{docs_.size() - 1, ""};
  ids_.emplace(split_fragment(base).first, root);
  index(*doc, root, split_fragment(base).first);
}

void bundler::load_remote(const std::string& uri) {
  if (dialect_of(uri) == dialect::draft7 && uri.find("draft-07") != std::string::npos) {
    add_document(&draft7_meta_schema(), uri, uri);
    return;
  }
  if (!opts_.fetch)
    fail_compile("unresolvable $ref: no document " + uri + " (remote references are not enabled)");
  std::optional<std::string> text = opts_.fetch(uri);
  if (!text) fail_compile("unresolvable $ref: document " + uri + " could not be fetched");
  json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) fail_compile("document " + uri + " is not valid JSON");
  owned_.push_back(std::move(doc));
  add_document(&owned_.back(), uri, uri);
}

location bundler::locate(const std::string& uri) {
  const auto [doc_uri, raw_fragment] = split_fragment(uri);
  if (!ids_.contains(doc_uri)) load_remote(doc_uri);
  const location root = ids_.at(doc_uri);
  const std::string fragment = percent_decode(raw_fragment);
  if (fragment.empty()) return root;
  if (fragment[0] == '/') {
    location l{root.doc, root.pointer + fragment};
    if (!resolve_pointer(*docs_[l.doc], l.pointer))
      fail_compile("unresolvable $ref: " + uri + " (no " + fragment + " in " + where(root) + ")");
    return l;
  }
  auto anchor = ids_.find(doc_uri + "#" + fragment);
  if (anchor == ids_.end())
    fail_compile("unresolvable $ref: " + uri + " (unknown anchor '" + fragment + "')");
  return anchor->second;
}

bool bundler::is_pure_ref(const json& node) const {
  if (!node.is_object() || !node.contains("$ref")) return false;
  if (dialect_ == dialect::draft7) return true;
  for (const auto& [key, value] : node.items()) {
    const auto kind = classify(key, dialect_);
    if (kind != keyword_kind::identifier && kind != keyword_kind::annotation &&
        kind != keyword_kind::unknown && kind != keyword_kind::container)
      return false;
  }
  return true;
}

std::string bundler::base_at(const location& l) {
  if (auto it = bases_.find(key_of(l)); it != bases_.end()) return it->second;
  // A target outside the walked keywords: inherit the nearest walked ancestor's base.
  std::string p = l.pointer, base;
  while (!p.empty()) {
    p.erase(p.rfind('/'));
    if (auto it = bases_.find(key_of({l.doc, p})); it != bases_.end()) {
      base = it->second;
      break;
    }
  }
  index(at(l), l, base);
  auto it = bases_.find(key_of(l));
  return it != bases_.end() ? it->second : base;
}

location bundler::follow_refs(std::string uri) {
  std::unordered_set<std::string> seen;
  std::string chain;
  while (true) {
    const location l = locate(uri);
    const json& node = at(l);
    if (!is_pure_ref(node)) return l;
    chain += (chain.empty() ? "" : " -> ") + where(l);
    if (!seen.insert(key_of(l)).second) fail_compile("$ref loop: " + chain);
    const json& ref = node["$ref"];
    if (!ref.is_string()) fail_compile("$ref at " + where(l) + " must be a string");
    uri = resolve_uri(base_at(l), ref.get_ref<const std::string&>());
  }
}

std::size_t bundler::slot_for(const location& l) {
  const auto [it, inserted] = slots_.emplace(key_of(l), slot_locations_.size());
  if (inserted) slot_locations_.push_back(l);
  return it->second;
}

json bundler::emit_child(const json& node, const location& parent, const std::string& suffix,
                         const std::string& inner) {
  return emit(node, location{parent.doc, parent.pointer + suffix}, inner_base(node, inner));
}

json bundler::emit(const json& node, const location& loc, const std::string& inner) {
  if (node.is_boolean()) return node;
  if (!node.is_object()) fail_compile("the schema at " + where(loc) + " must be an object or a boolean");
  json out = json::object();
  json ref;
  if (auto r = node.find("$ref"); r != node.end()) {
    if (!r->is_string()) fail_compile("$ref at " + where(loc) + " must be a string");
    const location target = follow_refs(resolve_uri(inner, r->get_ref<const std::string&>()));
    ref = json{{"$ref", std::string("#/") + refs_table_key + "/" + std::to_string(slot_for(target))}};
    if (dialect_ == dialect::draft7) return ref;
  }
  json prefix_items;
  for (const auto& [key, value] : node.items()) emit_keyword(key, value, loc, inner, out, prefix_items);
  if (!prefix_items.is_null()) {
    if (out.contains("items")) out["additionalItems"] = std::move(out["items"]);
    out["items"] = std::move(prefix_items);
  }
  if (ref.is_null()) return out;
  if (out.empty()) return ref;
  out["allOf"].push_back(std::move(ref));
  return out;
}

void bundler::emit_keyword(const std::string& key, const json& value, const location& loc,
                           const std::string& inner, json& out, json& prefix_items) {
  const std::string suffix = "/" + escape_pointer_token(key);
  const std::string here = where({loc.doc, loc.pointer + suffix});
  auto each = [&](bool want_array) {
    if (want_array ? !value.is_array() : !value.is_object())
      fail_compile(key + " at " + here + " must be " + (want_array ? "an array" : "an object") +
                   " of schemas");
    json r = want_array ? json::array() : json::object();
    if (want_array)
      for (std::size_t i = 0; i < value.size(); ++i)
        r.push_back(emit_child(value[i], loc, suffix + "/" + std::to_string(i), inner));
    else
      for (const auto& [name, child] : value.items()) {
        if (key == "patternProperties") {
          check_regex(json(name), here);
          out_.uses_pattern_properties = true;
        }
        r[name] = emit_child(child, loc, suffix + "/" + escape_pointer_token(name), inner);
      }
    return r;
  };
  switch (classify(key, dialect_)) {
    case keyword_kind::subschema:
      if (key == "items" && value.is_array())
        fail_compile("items at " + here + " must be a schema in 2020-12");
      out[key] = emit_child(value, loc, suffix, inner);
      break;
    case keyword_kind::subschema_array:
      (key == "prefixItems" ? prefix_items : out[key]) = each(true);
      break;
    case keyword_kind::subschema_map:
      if (key == "dependentSchemas") {
        json deps = each(false);
        for (auto& [name, dep] : deps.items()) add_dependency(out, name, std::move(dep));
      } else {
        out[key] = each(false);
      }
      break;
    case keyword_kind::items:
      out[key] = value.is_array() ? each(true) : emit_child(value, loc, suffix, inner);
      break;
    case keyword_kind::dependencies:
    case keyword_kind::translated:
      if (!value.is_object()) fail_compile(key + " at " + here + " must be an object");
      for (const auto& [name, dep] : value.items())
        add_dependency(
            out, name,
            dep.is_array() ? dep : emit_child(dep, loc, suffix + "/" + escape_pointer_token(name), inner));
      break;
    case keyword_kind::native:
      if (key == "pattern") {
        check_regex(value, here);
        out["$ef_pattern"] = value;
        break;
      }
      if (is_count_keyword(key) && value.is_number_float() && value.get<double>() >= 0 &&
          value.get<double>() < 1e18 && std::floor(value.get<double>()) == value.get<double>())
        out[key] = static_cast<std::uint64_t>(value.get<double>());
      else
        out[key] = value;
      break;
    case keyword_kind::custom:
      if (key == "type") {
        out["$ef_type"] = check_type(value, here);
      } else if (key == "multipleOf") {
        if (!value.is_number() || value.get<double>() <= 0)
          fail_compile("multipleOf at " + here + " must be a number greater than 0");
        out["$ef_multipleOf"] = value;
      } else {  // format
        if (!value.is_string()) fail_compile("format at " + here + " must be a string");
        if (is_asserted_format(value.get_ref<const std::string&>()))
          out["$ef_format"] = value;
        else
          out_.warnings.push_back("format \"" + value.get<std::string>() + "\" at " + here +
                                  " is not asserted");
      }
      break;
    case keyword_kind::unsupported:
      out_.unsupported.push_back({here, key});
      break;
    default:  // identifiers, annotations, containers, unknown keywords: no effect on validity
      break;
  }
}

bundle bundler::run(const json& root) {
  if (root.is_object() && root.contains("$schema")) {
    const json& s = root["$schema"];
    auto d = s.is_string() ? dialect_of(s.get_ref<const std::string&>()) : std::nullopt;
    if (!d) fail_compile("unsupported $schema " + s.dump() + " (draft-07 and 2020-12 are supported)");
    dialect_ = *d;
  } else {
    dialect_ = opts_.default_dialect;
  }
  out_.schema_dialect = dialect_;
  add_document(&root, opts_.base_uri, "");
  if (!root.is_object() && !root.is_boolean()) fail_compile("a schema must be an object or a boolean");
  out_.document = emit(root, location{0, ""}, inner_base(root, split_fragment(opts_.base_uri).first));
  json table = json::object();
  for (std::size_t i = 0; i < slot_locations_.size(); ++i) {  // emitting may add slots
    const location l = slot_locations_[i];
    table[std::to_string(i)] = emit(at(l), l, base_at(l));
  }
  if (!table.empty()) {
    out_.document[refs_table_key] = std::move(table);
    out_.has_refs = true;
  }
  return std::move(out_);
}

}  // namespace

json_shape measure(const json& j, std::size_t stop_beyond) {
  json_shape shape;
  // Reused per thread: validate() measures every instance, so no allocation per call.
  thread_local std::vector<std::pair<const json*, std::size_t>> stack;
  stack.clear();
  stack.emplace_back(&j, 1);
  while (!stack.empty()) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    shape.depth = std::max(shape.depth, depth);
    if (depth > stop_beyond) break;
    if (node->is_object()) {
      for (const auto& [key, child] : node->items()) {
        shape.longest_key = std::max(shape.longest_key, key.size());
        if (child.is_structured())
          stack.emplace_back(&child, depth + 1);
        else
          shape.depth = std::max(shape.depth, depth + 1);
      }
    } else if (node->is_array()) {
      for (const auto& child : *node)
        if (child.is_structured())
          stack.emplace_back(&child, depth + 1);
        else
          shape.depth = std::max(shape.depth, depth + 1);
    }
  }
  return shape;
}

core::result<bundle> make_bundle(const json& schema, const compile_options& options) {
  try {
    return bundler(options).run(schema);
  } catch (const compile_failure& f) {
    return core::fail(core::errc::invalid_argument, f.message);
  } catch (const std::exception& e) {
    return core::fail(core::errc::invalid_argument, std::string("invalid schema: ") + e.what());
  }
}

}  // namespace eventfabric::schema::detail

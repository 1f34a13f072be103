// The schema walker: Confluent's SchemaDiff.compare plus the scalar comparisons
// (StringSchemaDiff, NumberSchemaDiff, EnumSchemaDiff, ConstSchemaDiff, NotSchemaDiff).

#include <cmath>

#include "emulator/schema/compat.h"
#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema::compat_detail {
namespace {

using nlohmann::json;

// Confluent normalises a ReferenceSchema to the schema it refers to (loops are
// rejected by the loader, so this terminates).
const node* unwrap(const node* n) {
  while (n && n->kind == node_kind::reference) n = n->target;
  return n;
}

bool is_combined(const node* n) { return n->kind == node_kind::combined; }
bool is_empty_class(const node* n) {
  return n->kind == node_kind::empty || n->kind == node_kind::true_schema;
}

double as_double(const json& v) { return v.get<double>(); }

// A limit that may be absent on either side; reports added/removed/increased/decreased.
template <class T, class Less>
void compare_limit(diff_list& out, const char* attribute, const std::optional<T>& o,
                   const std::optional<T>& u, Less less, ct added, ct removed, ct increased, ct decreased) {
  if (!o && !u) return;
  if (!o) return walker::add(out, added, attribute);
  if (!u) return walker::add(out, removed, attribute);
  if (less(*o, *u)) return walker::add(out, increased, attribute);
  if (less(*u, *o)) return walker::add(out, decreased, attribute);
}

bool lt_int(long long a, long long b) { return a < b; }
bool lt_num(const json& a, const json& b) { return as_double(a) < as_double(b); }

bool contains_value(const std::vector<const json*>& values, const json& v) {
  for (const json* candidate : values) {
    if (*candidate == v) return true;
  }
  return false;
}

bool contains_all(const std::vector<const json*>& haystack, const std::vector<const json*>& needles) {
  for (const json* v : needles) {
    if (!contains_value(haystack, *v)) return false;
  }
  return true;
}

}  // namespace

std::string join_path(std::string_view prefix, std::string_view rest) {
  if (prefix.empty()) return std::string(rest);
  if (rest.empty()) return std::string(prefix);
  std::string s;
  s.reserve(prefix.size() + 1 + rest.size());
  s.append(prefix).append("/").append(rest);
  return s;
}

void walker::append(diff_list& out, const diff_list& sub, std::string_view prefix) {
  for (const auto& d : sub) out.push_back({d.type, join_path(prefix, d.path), d.echo});
}

bool walker::compatible(const diff_list& diffs) const {
  for (const auto& d : diffs) {
    if (!is_compatible(d.type, set_)) return false;
  }
  return true;
}

core::result<diff_list> walker::run(const node* original, const node* update) {
  for (;;) {
    memo_.clear();
    in_progress_.clear();
    assumed_.clear();
    diff_list result = compare(original, update);
    if (aborted_) return core::fail(core::errc::invalid_argument, abort_reason_);
    // A recursive pair assumed compatible but computed incompatible refutes the pass.
    bool refuted = false;
    for (const auto& key : assumed_) {
      auto it = memo_.find(key);
      if (it != memo_.end() && !compatible(it->second) && !refuted_.contains(key)) {
        refuted_.emplace(key, it->second);
        refuted = true;
      }
    }
    if (refuted) continue;
    // Echoes stand for a recursive pair's differences, which are reported where the
    // pair is first compared; they only steer decisions.
    std::erase_if(result, [](const diff_item& d) { return d.echo; });
    return result;
  }
}

diff_list walker::compare(const node* original, const node* update) {
  if (aborted_) return {};
  if (!original && !update) return {};
  if (!original) return {{ct::SCHEMA_ADDED, {}}};
  if (!update) return {{ct::SCHEMA_REMOVED, {}}};
  pair_key key{unwrap(original), unwrap(update)};
  if (++steps_ > kMaxCompareSteps || depth_ >= 2 * kMaxSchemaDepth) {
    aborted_ = true;
    abort_reason_ = steps_ > kMaxCompareSteps
                        ? "schema comparison exceeds " + std::to_string(kMaxCompareSteps) + " steps"
                        : "schema comparison nests too deeply";
    return {};
  }
  // Only pairs involving a "$ref" target can repeat or recur; the rest are computed directly.
  bool shared = key.first->ref_target || key.second->ref_target;
  if (!shared) {
    ++depth_;
    diff_list result = compare_pair(key.first, key.second);
    --depth_;
    return result;
  }
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  if (in_progress_.contains(key)) {
    assumed_.insert(key);
    auto it = refuted_.find(key);
    if (it == refuted_.end()) return {};
    diff_list echo = it->second;
    for (auto& d : echo) d.echo = true;
    return echo;
  }
  in_progress_.insert(key);
  ++depth_;
  diff_list result = compare_pair(key.first, key.second);
  --depth_;
  in_progress_.erase(key);
  memo_[key] = result;
  return result;
}

diff_list walker::compare_pair(const node* o, const node* u) {
  diff_list out;
  if (compare_union_special_cases(o, u, out)) return out;
  if (o->kind != u->kind) {
    // TrueSchema extends EmptySchema: anything may change to an empty schema, and a
    // false schema may change to anything.
    if (o->kind == node_kind::false_schema || is_empty_class(u)) return out;
    if (o->connect_type == "bytes" && u->connect_type == "bytes") return out;
    add(out, ct::TYPE_CHANGED);
    return out;
  }
  compare_same_class(*o, *u, out);
  return out;
}

// Non-combined <-> combined: a singleton union, a oneOf/anyOf with a compatible
// branch, or an allOf with a compatible conjunct. Returns true if it decided.
bool walker::compare_union_special_cases(const node* o, const node* u, diff_list& out) {
  if (!is_combined(o) && is_combined(u)) {
    if (u->subschemas.size() == 1) {
      diff_list sub = compare(o, u->subschemas.front());
      if (compatible(sub)) {
        out = std::move(sub);
        return true;
      }
    } else if (u->crit == criterion::any_of || u->crit == criterion::one_of) {
      for (const node* s : u->subschemas) {
        diff_list sub = compare(o, s);
        if (!compatible(sub)) continue;
        out = std::move(sub);
        add(out, ct::SUM_TYPE_EXTENDED);
        return true;
      }
    }
  } else if (is_combined(o) && !is_combined(u)) {
    if (o->subschemas.size() == 1) {
      diff_list sub = compare(o->subschemas.front(), u);
      if (compatible(sub)) {
        out = std::move(sub);
        return true;
      }
    } else if (o->crit == criterion::all_of) {
      for (const node* s : o->subschemas) {
        diff_list sub = compare(s, u);
        if (!compatible(sub)) continue;
        out = std::move(sub);
        add(out, ct::PRODUCT_TYPE_NARROWED);
        return true;
      }
    }
  }
  return false;
}

void walker::compare_same_class(const node& o, const node& u, diff_list& out) {
  if (o.id != u.id) add(out, ct::ID_CHANGED);
  if (o.title != u.title) add(out, ct::TITLE_CHANGED);
  if (o.description != u.description) add(out, ct::DESCRIPTION_CHANGED);
  bool same_default = (!o.default_value && !u.default_value) ||
                      (o.default_value && u.default_value && *o.default_value == *u.default_value);
  if (!same_default) add(out, ct::DEFAULT_CHANGED);
  switch (o.kind) {
    case node_kind::string:
      return compare_string(o, u, out);
    case node_kind::number:
      return compare_number(o, u, out);
    case node_kind::enumeration:
      return compare_enum(o, u, out);
    case node_kind::constant:
      return compare_const(o, u, out);
    case node_kind::combined:
      return compare_combined(o, u, out);
    case node_kind::negation:
      return compare_not(o, u, out);
    case node_kind::object:
      return compare_object(o, u, out);
    case node_kind::array:
      return compare_array(o, u, out);
    default:
      return;
  }
}

void walker::compare_string(const node& o, const node& u, diff_list& out) {
  compare_limit(out, "maxLength", o.max_length, u.max_length, lt_int, ct::MAX_LENGTH_ADDED,
                ct::MAX_LENGTH_REMOVED, ct::MAX_LENGTH_INCREASED, ct::MAX_LENGTH_DECREASED);
  compare_limit(out, "minLength", o.min_length, u.min_length, lt_int, ct::MIN_LENGTH_ADDED,
                ct::MIN_LENGTH_REMOVED, ct::MIN_LENGTH_INCREASED, ct::MIN_LENGTH_DECREASED);
  if (!o.pattern && u.pattern) {
    add(out, ct::PATTERN_ADDED, "pattern");
  } else if (o.pattern && !u.pattern) {
    add(out, ct::PATTERN_REMOVED, "pattern");
  } else if (o.pattern && *o.pattern != *u.pattern) {
    add(out, ct::PATTERN_CHANGED, "pattern");
  }
}

void walker::compare_number(const node& o, const node& u, diff_list& out) {
  compare_limit(out, "maximum", o.maximum, u.maximum, lt_num, ct::MAXIMUM_ADDED, ct::MAXIMUM_REMOVED,
                ct::MAXIMUM_INCREASED, ct::MAXIMUM_DECREASED);
  compare_limit(out, "minimum", o.minimum, u.minimum, lt_num, ct::MINIMUM_ADDED, ct::MINIMUM_REMOVED,
                ct::MINIMUM_INCREASED, ct::MINIMUM_DECREASED);
  compare_limit(out, "exclusiveMaximum", o.exclusive_maximum, u.exclusive_maximum, lt_num,
                ct::EXCLUSIVE_MAXIMUM_ADDED, ct::EXCLUSIVE_MAXIMUM_REMOVED, ct::EXCLUSIVE_MAXIMUM_INCREASED,
                ct::EXCLUSIVE_MAXIMUM_DECREASED);
  compare_limit(out, "exclusiveMinimum", o.exclusive_minimum, u.exclusive_minimum, lt_num,
                ct::EXCLUSIVE_MINIMUM_ADDED, ct::EXCLUSIVE_MINIMUM_REMOVED, ct::EXCLUSIVE_MINIMUM_INCREASED,
                ct::EXCLUSIVE_MINIMUM_DECREASED);
  // multipleOf: compared as decimals, related through their integer parts as Confluent does.
  const auto& om = o.multiple_of;
  const auto& um = u.multiple_of;
  if ((om || um) && !(om && um && om->dump() == um->dump())) {
    if (!om) {
      add(out, ct::MULTIPLE_OF_ADDED, "multipleOf");
    } else if (!um) {
      add(out, ct::MULTIPLE_OF_REMOVED, "multipleOf");
    } else {
      auto oi = static_cast<long long>(as_double(*om));
      auto ui = static_cast<long long>(as_double(*um));
      if (oi != 0 && ui % oi == 0) {
        add(out, ct::MULTIPLE_OF_EXPANDED, "multipleOf");
      } else if (ui != 0 && oi % ui == 0) {
        add(out, ct::MULTIPLE_OF_REDUCED, "multipleOf");
      } else {
        add(out, ct::MULTIPLE_OF_CHANGED, "multipleOf");
      }
    }
  }
  if (o.requires_integer != u.requires_integer)
    add(out, o.requires_integer ? ct::TYPE_EXTENDED : ct::TYPE_NARROWED);
}

void walker::compare_enum(const node& o, const node& u, diff_list& out) {
  bool update_has_all = contains_all(u.values, o.values);
  bool original_has_all = contains_all(o.values, u.values);
  if (update_has_all && original_has_all) return;
  if (update_has_all) {
    add(out, ct::ENUM_ARRAY_EXTENDED, "enum");
  } else if (original_has_all) {
    add(out, ct::ENUM_ARRAY_NARROWED, "enum");
  } else {
    add(out, ct::ENUM_ARRAY_CHANGED, "enum");
  }
}

void walker::compare_const(const node& o, const node& u, diff_list& out) {
  if (*o.values.front() != *u.values.front()) add(out, ct::ENUM_ARRAY_CHANGED, "const");
}

// A `not` is compatible when the new excluded set is inside the old one, i.e. when
// the update's inner schema can be read by the original's (reversed comparison).
void walker::compare_not(const node& o, const node& u, diff_list& out) {
  diff_list sub = compare(u.must_not, o.must_not);
  add(out, compatible(sub) ? ct::NOT_TYPE_NARROWED : ct::NOT_TYPE_EXTENDED, "not");
}

}  // namespace eventfabric::schema::compat_detail

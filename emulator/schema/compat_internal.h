#pragma once
// Internals of the Confluent-compatible JSON Schema diff (compat.h). Not part of
// the public API; included only by emulator/schema/compat_*.cc.
//
//  - ct:        Confluent's Difference.Type, in Confluent's declaration order.
//  - node:      a schema as Confluent's loaders model it (everit classes).
//  - load():    JSON -> node graph (compat_load.cc).
//  - walker:    SchemaDiff and friends over two node graphs (compat_diff.cc,
//               compat_objects.cc, compat_arrays.cc, compat_combined.cc).

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulator/core/error.h"
#include "emulator/schema/compat.h"

namespace eventfabric::schema::compat_detail {

// Confluent's Difference.Type, in declaration order.
// clang-format off
#define EF_COMPAT_CHANGE_TYPES(X) \
  X(ID_CHANGED)                                                   \
  X(DESCRIPTION_CHANGED)                                          \
  X(TITLE_CHANGED)                                                \
  X(DEFAULT_CHANGED)                                              \
  X(SCHEMA_ADDED)                                                 \
  X(SCHEMA_REMOVED)                                               \
  X(TYPE_EXTENDED)                                                \
  X(TYPE_NARROWED)                                                \
  X(TYPE_CHANGED)                                                 \
  X(MAX_LENGTH_ADDED)                                             \
  X(MAX_LENGTH_REMOVED)                                           \
  X(MAX_LENGTH_INCREASED)                                         \
  X(MAX_LENGTH_DECREASED)                                         \
  X(MIN_LENGTH_ADDED)                                             \
  X(MIN_LENGTH_REMOVED)                                           \
  X(MIN_LENGTH_INCREASED)                                         \
  X(MIN_LENGTH_DECREASED)                                         \
  X(PATTERN_ADDED)                                                \
  X(PATTERN_REMOVED)                                              \
  X(PATTERN_CHANGED)                                              \
  X(MAXIMUM_ADDED)                                                \
  X(MAXIMUM_REMOVED)                                              \
  X(MAXIMUM_INCREASED)                                            \
  X(MAXIMUM_DECREASED)                                            \
  X(MINIMUM_ADDED)                                                \
  X(MINIMUM_REMOVED)                                              \
  X(MINIMUM_INCREASED)                                            \
  X(MINIMUM_DECREASED)                                            \
  X(EXCLUSIVE_MAXIMUM_ADDED)                                      \
  X(EXCLUSIVE_MAXIMUM_REMOVED)                                    \
  X(EXCLUSIVE_MAXIMUM_INCREASED)                                  \
  X(EXCLUSIVE_MAXIMUM_DECREASED)                                  \
  X(EXCLUSIVE_MINIMUM_ADDED)                                      \
  X(EXCLUSIVE_MINIMUM_REMOVED)                                    \
  X(EXCLUSIVE_MINIMUM_INCREASED)                                  \
  X(EXCLUSIVE_MINIMUM_DECREASED)                                  \
  X(MULTIPLE_OF_ADDED)                                            \
  X(MULTIPLE_OF_REMOVED)                                          \
  X(MULTIPLE_OF_EXPANDED)                                         \
  X(MULTIPLE_OF_REDUCED)                                          \
  X(MULTIPLE_OF_CHANGED)                                          \
  X(REQUIRED_ATTRIBUTE_ADDED)                                     \
  X(REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED)                        \
  X(REQUIRED_ATTRIBUTE_REMOVED)                                   \
  X(MAX_PROPERTIES_ADDED)                                         \
  X(MAX_PROPERTIES_REMOVED)                                       \
  X(MAX_PROPERTIES_INCREASED)                                     \
  X(MAX_PROPERTIES_DECREASED)                                     \
  X(MIN_PROPERTIES_ADDED)                                         \
  X(MIN_PROPERTIES_REMOVED)                                       \
  X(MIN_PROPERTIES_INCREASED)                                     \
  X(MIN_PROPERTIES_DECREASED)                                     \
  X(ADDITIONAL_PROPERTIES_ADDED)                                  \
  X(ADDITIONAL_PROPERTIES_REMOVED)                                \
  X(ADDITIONAL_PROPERTIES_EXTENDED)                               \
  X(ADDITIONAL_PROPERTIES_NARROWED)                               \
  X(DEPENDENCY_ARRAY_ADDED)                                       \
  X(DEPENDENCY_ARRAY_REMOVED)                                     \
  X(DEPENDENCY_ARRAY_EXTENDED)                                    \
  X(DEPENDENCY_ARRAY_NARROWED)                                    \
  X(DEPENDENCY_ARRAY_CHANGED)                                     \
  X(DEPENDENCY_SCHEMA_ADDED)                                      \
  X(DEPENDENCY_SCHEMA_REMOVED)                                    \
  X(PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL)                         \
  X(REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL)                \
  X(REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL)   \
  X(OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL)                \
  X(PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL)       \
  X(REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL)              \
  X(REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL) \
  X(OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL)              \
  X(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL)                     \
  X(PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL)        \
  X(PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL)                   \
  X(PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)  \
  X(PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL) \
  X(PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)    \
  X(PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)   \
  X(RESERVED_PROPERTY_REMOVED)                                    \
  X(RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY)                    \
  X(UNEVALUATED_PROPERTIES_ADDED)                                 \
  X(UNEVALUATED_PROPERTIES_REMOVED)                               \
  X(UNEVALUATED_PROPERTIES_EXTENDED)                              \
  X(UNEVALUATED_PROPERTIES_NARROWED)                              \
  X(MAX_ITEMS_ADDED)                                              \
  X(MAX_ITEMS_REMOVED)                                            \
  X(MAX_ITEMS_INCREASED)                                          \
  X(MAX_ITEMS_DECREASED)                                          \
  X(MIN_ITEMS_ADDED)                                              \
  X(MIN_ITEMS_REMOVED)                                            \
  X(MIN_ITEMS_INCREASED)                                          \
  X(MIN_ITEMS_DECREASED)                                          \
  X(MAX_CONTAINS_ADDED)                                           \
  X(MAX_CONTAINS_REMOVED)                                         \
  X(MAX_CONTAINS_INCREASED)                                       \
  X(MAX_CONTAINS_DECREASED)                                       \
  X(MIN_CONTAINS_ADDED)                                           \
  X(MIN_CONTAINS_REMOVED)                                         \
  X(MIN_CONTAINS_INCREASED)                                       \
  X(MIN_CONTAINS_DECREASED)                                       \
  X(UNIQUE_ITEMS_ADDED)                                           \
  X(UNIQUE_ITEMS_REMOVED)                                         \
  X(ADDITIONAL_ITEMS_ADDED)                                       \
  X(ADDITIONAL_ITEMS_REMOVED)                                     \
  X(ADDITIONAL_ITEMS_EXTENDED)                                    \
  X(ADDITIONAL_ITEMS_NARROWED)                                    \
  X(UNEVALUATED_ITEMS_ADDED)                                      \
  X(UNEVALUATED_ITEMS_REMOVED)                                    \
  X(UNEVALUATED_ITEMS_EXTENDED)                                   \
  X(UNEVALUATED_ITEMS_NARROWED)                                   \
  X(ITEM_ADDED_TO_OPEN_CONTENT_MODEL)                             \
  X(ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL)           \
  X(ITEM_ADDED_TO_CLOSED_CONTENT_MODEL)                           \
  X(ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL)                         \
  X(ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL)            \
  X(ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL)                       \
  X(ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)      \
  X(ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)     \
  X(ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)        \
  X(ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL)       \
  X(ENUM_ARRAY_EXTENDED)                                          \
  X(ENUM_ARRAY_NARROWED)                                          \
  X(ENUM_ARRAY_CHANGED)                                           \
  X(COMBINED_TYPE_EXTENDED)                                       \
  X(COMBINED_TYPE_CHANGED)                                        \
  X(PRODUCT_TYPE_EXTENDED)                                        \
  X(PRODUCT_TYPE_NARROWED)                                        \
  X(SUM_TYPE_EXTENDED)                                            \
  X(SUM_TYPE_NARROWED)                                            \
  X(COMBINED_TYPE_SUBSCHEMAS_CHANGED)                             \
  X(NOT_TYPE_EXTENDED)                                            \
  X(NOT_TYPE_NARROWED)
// clang-format on

#define EF_COMPAT_ENUM_ITEM(name) name,
enum class ct : std::uint8_t { EF_COMPAT_CHANGE_TYPES(EF_COMPAT_ENUM_ITEM) count_ };
#undef EF_COMPAT_ENUM_ITEM

inline constexpr std::size_t kChangeTypeCount = static_cast<std::size_t>(ct::count_);

// compat_types.cc ----------------------------------------------------------------
std::string_view name_of(ct type) noexcept;
std::optional<ct> change_type_from_name(std::string_view name) noexcept;
bool is_strict_compatible(ct type) noexcept;
bool is_lenient_compatible(ct type) noexcept;  // strict or one of the lenient additions
std::string_view explanation_of(ct type) noexcept;

// Which compatible set a comparison runs with.
enum class compat_set : std::uint8_t { strict, lenient };
inline bool is_compatible(ct type, compat_set set) noexcept {
  return set == compat_set::strict ? is_strict_compatible(type) : is_lenient_compatible(type);
}

// The schema model ----------------------------------------------------------------

// everit's schema classes (CombinedSchemaExt counts as combined).
enum class node_kind : std::uint8_t {
  empty,
  true_schema,
  false_schema,
  boolean,
  null,
  string,
  number,
  object,
  array,
  enumeration,
  constant,
  combined,
  negation,
  reference,
  conditional,
};
enum class criterion : std::uint8_t { all_of, any_of, one_of };
std::string_view criterion_name(criterion c) noexcept;  // "allOf" / "anyOf" / "oneOf"

struct node;
using named_node = std::pair<std::string, const node*>;

struct node {
  node_kind kind = node_kind::empty;
  // Common (Schema): compared by SchemaDiff for every pair of the same class.
  std::optional<std::string> id, title, description;
  const nlohmann::json* default_value = nullptr;  // set iff the schema has "default"
  std::optional<std::string> connect_type;        // unprocessed "connect.type"
  // The JSON this node was loaded from and what the loader made of it; together
  // they identify duplicate subschemas (canonical_of).
  const nlohmann::json* source = nullptr;
  std::string tag;
  // StringSchema
  std::optional<long long> min_length, max_length;
  std::optional<std::string> pattern;
  // NumberSchema
  std::optional<nlohmann::json> maximum, minimum, exclusive_maximum, exclusive_minimum, multiple_of;
  bool requires_integer = false;
  // ObjectSchema. `properties` is in Java HashMap iteration order.
  std::vector<named_node> properties;
  std::vector<std::string> required;
  std::vector<named_node> pattern_properties;
  std::vector<std::pair<std::string, std::vector<std::string>>> property_dependencies;
  std::vector<named_node> schema_dependencies;
  std::optional<long long> max_properties, min_properties;
  // ArraySchema
  const node* all_items = nullptr;
  std::vector<const node*> item_schemas;
  std::optional<long long> max_items, min_items, max_contains, min_contains;
  bool unique_items = false;
  // Object and array: additionalProperties / additionalItems, unevaluated*.
  bool permits_additional = true;
  const node* additional = nullptr;
  const node* unevaluated = nullptr;
  // EnumSchema (possible values) and ConstSchema (one permitted value).
  std::vector<const nlohmann::json*> values;
  // CombinedSchema
  criterion crit = criterion::all_of;
  bool generated = false;  // synthesised by the loader (type arrays, keyword groups)
  std::vector<const node*> subschemas;
  // NotSchema
  const node* must_not = nullptr;
  // ReferenceSchema
  const node* target = nullptr;
  // Reached through some "$ref": only such nodes can recur, so only pairs with one
  // are memoized and checked for cycles.
  bool ref_target = false;
};

// The text that identifies a subschema when Confluent collapses duplicate
// subschemas of a combined schema (its JsonSchema canonical string).
std::string canonical_of(const node& n);

// JSON Schema dialect, from "$schema"; draft-07 when absent or unknown.
enum class dialect : std::uint8_t { draft4, draft6, draft7, draft2019, draft2020 };

// A loaded schema graph; `root` and every node live as long as this object.
struct loaded_schema {
  std::deque<node> nodes;
  const node* root = nullptr;
  dialect version = dialect::draft7;
};

// compat_load.cc: loads `schema` the way Confluent's JsonSchema.rawSchema() does.
core::result<std::unique_ptr<loaded_schema>> load(const nlohmann::json& schema);

// compat_order.cc: Java's String.hashCode over UTF-16 code units of UTF-8 `s`.
std::int32_t java_string_hash(std::string_view s) noexcept;
// The iteration order of a java.util.HashMap/HashSet holding `keys` (inserted in
// the given order, duplicates ignored) whose table started at `initial_capacity`.
std::vector<std::string> java_hash_order(const std::vector<std::string>& keys, int initial_capacity);
// The initial capacity of `new HashSet<>(collection)` for a collection of `n`.
int java_hash_set_copy_capacity(std::size_t n) noexcept;

// The walker ----------------------------------------------------------------------

// One difference with a pointer relative to the pair being compared ("" = that pair's root).
struct diff_item {
  ct type;
  std::string path;
  // Repeats a recursive pair's differences at the point where the recursion was cut
  // (after an optimistic assumption was refuted): counts for decisions, not reported.
  bool echo = false;
};
using diff_list = std::vector<diff_item>;

// Joins path segments the way Confluent's Context does ("a" + "b" -> "a/b").
std::string join_path(std::string_view prefix, std::string_view rest);

// Confluent's SchemaDiff over two node graphs. Results of each (original, update)
// pair that involves a "$ref" target are memoized; such a pair met again while it
// is being compared (a recursive schema) is assumed compatible, and passes repeat
// until no assumption is refuted (a greatest fixed point).
class walker {
 public:
  explicit walker(compat_set set) : set_(set) {}

  // All differences between the two roots, or an error if the comparison exceeded
  // kMaxCompareSteps or the recursion limit.
  core::result<diff_list> run(const node* original, const node* update);

  // SchemaDiff.compare for one pair; the result is relative to the pair.
  diff_list compare(const node* original, const node* update);
  bool compatible(const diff_list& diffs) const;

  // Type-specific comparisons (compat_diff.cc / compat_objects.cc / compat_arrays.cc /
  // compat_combined.cc); each appends to `out`, relative to the pair.
  void compare_string(const node& o, const node& u, diff_list& out);
  void compare_number(const node& o, const node& u, diff_list& out);
  void compare_enum(const node& o, const node& u, diff_list& out);
  void compare_const(const node& o, const node& u, diff_list& out);
  void compare_not(const node& o, const node& u, diff_list& out);
  void compare_object(const node& o, const node& u, diff_list& out);
  void compare_array(const node& o, const node& u, diff_list& out);
  void compare_combined(const node& o, const node& u, diff_list& out);
  void compare_property_removed(const node& u, const std::string& key, const node* original_schema,
                                const std::string& path, diff_list& out);
  void compare_property_added(const node& o, bool required, const node* update_schema, const std::string& key,
                              const std::string& path, diff_list& out);
  void compare_dependencies(const node& o, const node& u, diff_list& out);
  void compare_tuple(const node& o, const node& u, diff_list& out);
  void compare_unevaluated(const node* o, const node* u, const char* path, ct added, ct removed, ct extended,
                           ct narrowed, diff_list& out);
  static void compare_count(diff_list& out, const char* attribute, const std::optional<long long>& o,
                            const std::optional<long long>& u, ct added, ct removed, ct increased,
                            ct decreased);

  // Appends `sub` to `out` with every path prefixed by `prefix`.
  static void append(diff_list& out, const diff_list& sub, std::string_view prefix);
  static void add(diff_list& out, ct type, std::string path = {}) { out.push_back({type, std::move(path)}); }

 private:
  using pair_key = std::pair<const node*, const node*>;
  struct pair_hash {
    std::size_t operator()(const pair_key& k) const noexcept {
      // Node addresses are evenly spaced; mix them so pairs spread over the buckets.
      auto x = reinterpret_cast<std::uintptr_t>(k.first) * 0x9E3779B97F4A7C15ull ^
               reinterpret_cast<std::uintptr_t>(k.second);
      x ^= x >> 31;
      x *= 0xBF58476D1CE4E5B9ull;
      return static_cast<std::size_t>(x ^ (x >> 29));
    }
  };

  diff_list compare_pair(const node* o, const node* u);
  bool compare_union_special_cases(const node* o, const node* u, diff_list& out);
  void compare_same_class(const node& o, const node& u, diff_list& out);

  compat_set set_;
  std::unordered_map<pair_key, diff_list, pair_hash> memo_;
  std::unordered_set<pair_key, pair_hash> in_progress_;
  std::unordered_map<pair_key, diff_list, pair_hash> refuted_;  // assumed compatible, found not
  std::unordered_set<pair_key, pair_hash> assumed_;             // assumed compatible this pass
  long long steps_ = 0;
  int depth_ = 0;
  bool aborted_ = false;
  std::string abort_reason_;
};

// The shared HashSet iteration order Confluent uses when it walks the union of two
// maps' keys (`new HashSet<>(original.keySet()); addAll(update.keySet())`).
std::vector<std::string> union_key_order(const std::vector<std::string>& original_keys,
                                         const std::vector<std::string>& update_keys);

}  // namespace eventfabric::schema::compat_detail

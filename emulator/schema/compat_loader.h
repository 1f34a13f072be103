#pragma once
// Internal: the schema loader behind compat_detail::load(). It models what
// Confluent's JsonSchema.rawSchema() builds:
//  - draft-04/06/07: everit's SchemaLoader. "$ref" wins over its siblings; the
//    remaining keywords go through everit's extractors in order (enum, allOf/anyOf/
//    oneOf, not, const, type, then keyword sniffing for array/object/number/string,
//    then if/then/else); several results become a synthetic allOf.
//  - 2019-09/2020-12: json-sKema + Confluent's SchemaTranslator. Every keyword is a
//    fragment; fragments of the same kind merge, a type array absorbs fragments of
//    its member kinds, anything else becomes a generated allOf. "$ref" is one more
//    fragment; prefixItems/items map to everit's tuple/additional items; empty
//    "properties" contributes nothing; the root "$id" is not kept.
// Internal to emulator/schema.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema::compat_detail {

class loader {
 public:
  loader(const nlohmann::json& document, loaded_schema& out);

  // Loads the document root and resolves every "$ref". Fails on invalid input.
  core::result<void> run();

 private:
  // Loads one schema value (object or boolean); nullptr after fail().
  const node* load(const nlohmann::json& value, int depth);
  node& make(node_kind kind, const nlohmann::json& source);
  void fail(std::string message);
  bool failed() const { return error_.has_value(); }

  // compat_load.cc: everit (draft-04/06/07).
  const node* load_everit(const nlohmann::json& o, int depth);
  node* load_typed(const nlohmann::json& o, std::string_view type, int depth);
  void sniff_everit(const nlohmann::json& o, const std::vector<std::string>& consumed, int depth,
                    std::vector<node*>& fragments);
  void build_everit_array(node& n, const nlohmann::json& o, int depth);
  void build_everit_object(node& n, const nlohmann::json& o, int depth);

  // compat_load_2020.cc: json-sKema + SchemaTranslator (2019-09/2020-12).
  const node* load_skema(const nlohmann::json& o, int depth);
  void skema_fragments(const nlohmann::json& o, int depth, std::vector<node*>& fragments);
  node* skema_array(const nlohmann::json& o, int depth);
  node* skema_object(const nlohmann::json& o, int depth);
  node* join(node* acc, node* current);
  node* generated_all_of(std::vector<node*> parts, const nlohmann::json& source);
  void flatten_generated(node& combined);

  // Shared builders (compat_load.cc).
  node* load_ref(const nlohmann::json& o);
  node* load_combined(const nlohmann::json& o, std::string_view keyword, int depth);
  node* load_enum(const nlohmann::json& o);
  node* load_const(const nlohmann::json& o);
  node* load_not(const nlohmann::json& o, int depth);
  node* load_conditional(const nlohmann::json& o);
  void build_string(node& n, const nlohmann::json& o);
  void build_number(node& n, const nlohmann::json& o);
  void build_properties(node& n, const nlohmann::json& properties, int depth);
  void build_pattern_properties(node& n, const nlohmann::json& patterns, int depth);
  void build_required(node& n, const nlohmann::json& required);
  void build_additional(node& n, const nlohmann::json& value, int depth);
  void build_limits_object(node& n, const nlohmann::json& o);
  void build_limits_array(node& n, const nlohmann::json& o);
  void apply_common(node& n, const nlohmann::json& o, bool is_root);
  std::optional<long long> integer_keyword(const nlohmann::json& o, const char* key);
  std::optional<nlohmann::json> number_keyword(const nlohmann::json& o, const char* key);

  // "$ref" resolution.
  const nlohmann::json* resolve(const std::string& ref);
  core::result<void> resolve_pending();

  const nlohmann::json& document_;
  loaded_schema& out_;
  const nlohmann::json* root_json_ = nullptr;
  std::optional<core::error> error_;
  struct pending_ref {
    node* ref;
    std::string uri;
  };
  std::vector<pending_ref> pending_;
  std::unordered_map<const nlohmann::json*, const node*> ref_targets_;
};

// Keyword groups everit's extractors consume (SpecificationVersion keyword lists).
bool is_array_keyword(std::string_view key, dialect d);
bool is_object_keyword(std::string_view key, dialect d);
bool is_number_keyword(std::string_view key);
bool is_string_keyword(std::string_view key);

}  // namespace eventfabric::schema::compat_detail

#pragma once
// What each JSON Schema keyword means to this validator, per dialect.
// Internal to emulator/schema (used by the bundler and the PII walker).

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "emulator/schema/validator.h"

namespace eventfabric::schema::detail {

enum class keyword_kind {
  subschema,        // the value is a schema (not, if, additionalProperties, ...)
  subschema_array,  // an array of schemas (allOf, anyOf, oneOf; 2020-12 prefixItems)
  subschema_map,    // an object of schemas (properties, patternProperties; 2020-12 dependentSchemas)
  items,            // draft-07 items: a schema or an array of schemas
  dependencies,     // draft-07 dependencies: schemas or arrays of property names
  container,        // definitions / $defs: schemas reachable through $ref only
  native,           // an assertion valijson evaluates as written (required, enum, pattern, ...)
  custom,           // an assertion we evaluate ourselves (type, format, multipleOf)
  translated,       // 2020-12 keyword rewritten as draft-07 (dependentRequired)
  identifier,       // $id, $ref, $schema, $anchor: used by the resolver
  annotation,       // title, description, default, ...: no effect on validity
  unsupported,      // a JSON Schema keyword this validator does not enforce
  unknown,          // outside every JSON Schema vocabulary: an annotation (x-pii, ...)
};

keyword_kind classify(std::string_view keyword, dialect d) noexcept;

// The node at RFC 6901 `pointer` (escaped, e.g. "/definitions/a~1b") in
// `root`, or nullptr. Empty tokens are real keys ("/a//b").
const nlohmann::json* resolve_pointer(const nlohmann::json& root, std::string_view pointer);

// Dialect named by a "$schema" value: nullopt when the URI is not one we know.
std::optional<dialect> dialect_of(std::string_view schema_uri) noexcept;

// Calls fn(child, pointer_suffix) for each subschema directly inside `node`,
// e.g. ("/properties/amount"), including containers and unsupported keywords'
// subschemas (so identifiers inside them are indexed). Non-objects: no calls.
void for_each_subschema(const nlohmann::json& node, dialect d,
                        const std::function<void(const nlohmann::json&, const std::string&)>& fn);

}  // namespace eventfabric::schema::detail

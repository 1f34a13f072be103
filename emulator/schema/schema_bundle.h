#pragma once
// Resolves and bundles a JSON Schema into one self-contained draft-07
// document for valijson. Internal to emulator/schema.
//
// The output keeps only what affects validation:
//   - every `$ref` points into a table at the root, "#/$ef_refs/<n>", holding
//     each referenced subschema once (chains of pure `$ref`s are collapsed, so
//     valijson never follows a `$ref` to a `$ref`; a loop is an error);
//   - `$id`, `$schema`, definitions and annotations are dropped;
//   - `type`, `format`, `multipleOf` and `pattern` become "$ef_type",
//     "$ef_format", "$ef_multipleOf" and "$ef_pattern", evaluated by our own
//     constraints (schema_constraints.h);
//   - 2020-12 keywords are translated to draft-07 (see validator.h).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/schema/validator.h"

namespace eventfabric::schema::detail {

inline constexpr const char* refs_table_key = "$ef_refs";

struct bundle {
  nlohmann::json document;  // the bundled schema (object or boolean)
  dialect schema_dialect = dialect::draft7;
  std::vector<unsupported_keyword> unsupported;  // reachable keywords we do not enforce
  std::vector<std::string> warnings;             // formats that are annotations only
  bool uses_pattern_properties = false;          // valijson matches property names (see schema_stack.h)
  bool has_refs = false;                         // recursion possible: bound instance depth
};

// Errors: errc::invalid_argument (unresolvable $ref, $ref loop, invalid regex,
// unsupported $schema, schema too deep, a fetched document that is not JSON).
core::result<bundle> make_bundle(const nlohmann::json& schema, const compile_options& options);

// The draft-07 meta-schema (http://json-schema.org/draft-07/schema#).
const nlohmann::json& draft7_meta_schema();

}  // namespace eventfabric::schema::detail

namespace eventfabric::schema::detail {

struct json_shape {
  std::size_t depth = 0;        // 1 for a scalar, 2 for [1], ...
  std::size_t longest_key = 0;  // bytes, over object keys
};
// Measures `j` without recursion (safe for any nesting nlohmann can hold).
// Stops early once the depth exceeds `stop_beyond` (depth is then stop_beyond + 1
// or more, and longest_key covers only what was visited).
json_shape measure(const nlohmann::json& j, std::size_t stop_beyond = static_cast<std::size_t>(-1));

}  // namespace eventfabric::schema::detail

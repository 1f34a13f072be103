#pragma once
// JSON Schema compatibility checking that agrees with Confluent Schema Registry.
//
// diff() reimplements Confluent's SchemaDiff.compare(original, update): every
// difference between two JSON Schemas, typed with Confluent's Difference.Type
// names ("TYPE_CHANGED", "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", ...), located by
// Confluent's pointer format ("#/properties/foo"), in Confluent's order. Schemas
// are first normalised the way Confluent's loaders do it (everit for draft-04/06/07,
// json-sKema + SchemaTranslator for 2019-09/2020-12): `type: [..]` becomes an
// anyOf, keyword groups become typed schemas, `$ref` is resolved, and so on.
// check_compatibility() applies a registry compatibility mode on top of diff().
//
// Conformance: tests/schema/compat_conformance_test.cc runs every case of
// Confluent's own diff test data (../shared/conformance/confluent-json-schema-compat).
// Known deviations are listed in emulator/schema/README.md, section "Compatibility".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "emulator/core/error.h"

namespace eventfabric::schema {

enum class compat_mode {
  backward,             // the new schema can read data written with the latest one
  backward_transitive,  // ... with every previous one
  forward,              // the latest schema can read data written with the new one
  forward_transitive,   // every previous schema can read data written with the new one
  full,                 // backward and forward against the latest
  full_transitive,      // backward and forward against every previous one
  none,                 // no check
};

// Accepts Confluent's names, case-insensitively ("BACKWARD", "full_transitive", ...).
std::optional<compat_mode> parse_compat_mode(std::string_view name);
// Confluent's name, upper case ("BACKWARD_TRANSITIVE").
std::string_view to_string(compat_mode mode);

struct change {
  std::string type;         // Confluent Difference.Type name, e.g. "TYPE_CHANGED"
  std::string pointer;      // Confluent jsonPath, e.g. "#/properties/foo" ("#/" is the root)
  bool compatible = false;  // type is in the compatible set the check ran with
  std::string explanation;  // one plain sentence: what breaks and how to fix it
  // Set by check_compatibility only: the 1-based version (index into `previous` + 1)
  // this change breaks against, and the direction ("backward" / "forward").
  int against_version = 0;
  std::string direction;

  // "TYPE #/pointer", the form Confluent's tests compare.
  std::string to_string() const;
};

// Confluent's SchemaDiff.compare(original, update) with the strict compatible set.
// Returns every difference in Confluent's order. Fails (errc::invalid_argument)
// when a schema cannot be loaded: not an object/boolean, an unresolvable or
// looping `$ref`, an invalid keyword value, nesting deeper than kMaxSchemaDepth,
// or a comparison that exceeds kMaxCompareSteps. Never throws.
core::result<std::vector<change>> diff(const nlohmann::json& original, const nlohmann::json& update);

// The same with the lenient compatible set (strict plus the lenient additions);
// the set also steers Confluent's "is this branch compatible" decisions inside
// combined schemas and partially open content models.
core::result<std::vector<change>> diff_lenient(const nlohmann::json& original, const nlohmann::json& update);

inline constexpr int kMaxSchemaDepth = 256;             // nesting levels of one schema
inline constexpr long long kMaxCompareSteps = 1000000;  // schema-pair comparisons per diff

struct compat_result {
  bool compatible = true;
  // Only the incompatible changes, each tagged with the version and direction it breaks.
  std::vector<change> changes;
  // One human-readable line per incompatible change (or per load failure).
  std::vector<std::string> messages;
};

// Checks `candidate` against `previous` versions (oldest first) in `mode`, as
// Confluent's registry does: BACKWARD = diff(old -> new) must be compatible;
// FORWARD = diff(new -> old); FULL = both; *_TRANSITIVE = against every previous
// version (newest first), otherwise only the latest; NONE = always compatible.
// A schema that cannot be loaded makes the result incompatible with one change of
// type "SCHEMA_INVALID" and the load error in `messages`. Never throws.
compat_result check_compatibility(const nlohmann::json& candidate,
                                  const std::vector<nlohmann::json>& previous, compat_mode mode,
                                  bool lenient = false);

// Every change type name Confluent defines (132 names), in Confluent's order.
const std::vector<std::string_view>& all_change_types();
// True if `type` is compatible under the strict (or lenient) set. Unknown names are not.
bool is_compatible_change(std::string_view type, bool lenient = false);
// The explanation for `type`; empty for unknown names.
std::string_view explain_change(std::string_view type);

}  // namespace eventfabric::schema

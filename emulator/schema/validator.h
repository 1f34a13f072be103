#pragma once
// JSON Schema validation for eventfabric, backed by valijson.
//
// compile() turns a schema document into a compiled_schema once; validate()
// then checks any number of instances against it. The pipeline:
//   1. Resolve every `$ref` (local pointers, `$id` / anchors, remote documents
//      through compile_options::fetch, the built-in draft-07 meta-schema) and
//      bundle the reachable subschemas into one self-contained document.
//      `$ref` loops, unresolvable references and invalid regular expressions
//      are compile errors (errc::invalid_argument), never crashes.
//   2. Walk the schema for keywords we do not implement (see below).
//   3. Hand the bundle to valijson's SchemaParser (draft-07 semantics), with
//      our own `type`, `format` and `multipleOf` keywords.
//
// Dialects: draft-07 is the default (also used for draft-06 `$schema`).
// `"$schema": "https://json-schema.org/draft/2020-12/schema"` selects 2020-12:
// `$defs`, `$anchor`, `prefixItems`, `dependentRequired`, `dependentSchemas`
// and `$ref` with sibling keywords are translated to draft-07 constructs, and
// `format` is an annotation (as the 2020-12 spec says by default).
//
// Unsupported keywords are never silently ignored. A keyword of a JSON Schema
// vocabulary that this validator does not enforce in the schema's dialect
// (e.g. unevaluatedProperties, $dynamicRef, minContains, or a 2020-12 keyword
// in a draft-07 schema) is collected with its JSON pointer:
//   - unsupported_policy::reject (default): compile() fails, naming each one.
//   - unsupported_policy::report: compile() succeeds; every validation_report
//     carries the list (complete() is false), and unsupported_keywords() has it.
// Keywords outside every JSON Schema vocabulary (e.g. "x-pii") are
// annotations, as the spec requires. `format` values we do not assert (e.g.
// "iri") are annotations too, listed in warnings().
//
// Thread safety: a compiled_schema is immutable after compile(); validate()
// may be called from any number of threads at once. Copies share the
// compiled state (cheap to copy). Stack: valijson recurses per level of the
// instance; at the default max_instance_depth (256) a recursive schema needs
// up to about 0.5 MiB of the calling thread's stack (more under sanitizers).
// Long strings matched against patterns run on a helper thread with a stack
// sized for them (schema_stack.h), so a string never overflows the caller's.

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"

namespace eventfabric::schema {

struct validation_error {
  std::string path;     // JSON pointer of the instance location, e.g. "/payload/amount" ("" = root)
  std::string keyword;  // the rule, e.g. "required", "type", "pattern"
  std::string message;  // one plain sentence

  bool operator==(const validation_error&) const = default;
};

struct unsupported_keyword {
  std::string
      pointer;  // JSON pointer of the keyword in the schema, e.g. "/properties/a/unevaluatedProperties"
  std::string keyword;  // e.g. "unevaluatedProperties"
};

enum class dialect { draft7, draft2020_12 };
enum class unsupported_policy { reject, report };

struct compile_options {
  dialect default_dialect = dialect::draft7;  // used when the schema has no "$schema"
  unsupported_policy on_unsupported = unsupported_policy::reject;
  // Base URI of the schema document, for relative `$id` / `$ref` (may be empty).
  std::string base_uri;
  // Fetches a referenced document by absolute URI (without fragment): returns
  // its JSON text, or nullopt when unknown. Unset: only local references and
  // the built-in draft-07 meta-schema resolve. Called during compile() only.
  std::function<std::optional<std::string>(const std::string& uri)> fetch;
  std::size_t max_schema_depth = 256;    // JSON nesting of the schema document
  std::size_t max_instance_depth = 256;  // JSON nesting of an instance (deeper: an error, keyword "maxDepth")
};

struct validation_report {
  std::vector<validation_error> errors;
  // Keywords of the schema that were not enforced (policy report only). Points
  // into the compiled_schema: valid while it (or a copy of it) lives.
  const std::vector<unsupported_keyword>* unsupported = nullptr;

  bool ok() const { return errors.empty(); }
  bool complete() const { return unsupported == nullptr || unsupported->empty(); }
};

class compiled_schema {
 public:
  // Compiles `schema` (an object or a boolean). Errors: errc::invalid_argument
  // with a message naming the problem (and the JSON pointer where known).
  static core::result<compiled_schema> compile(const nlohmann::json& schema,
                                               const compile_options& options = {});
  // As above from JSON text; invalid JSON (or invalid UTF-8) is an error.
  static core::result<compiled_schema> compile(std::string_view schema_json,
                                               const compile_options& options = {});

  // Every violation, each with the instance pointer and the keyword; empty when
  // valid. Never throws; an instance deeper than max_instance_depth yields one
  // error with keyword "maxDepth".
  std::vector<validation_error> validate(const nlohmann::json& instance) const;
  // Parses then validates; unparsable text yields one error with keyword "json".
  std::vector<validation_error> validate(std::string_view instance_json) const;
  // validate() plus the unsupported keywords that were not enforced.
  validation_report check(const nlohmann::json& instance) const;

  dialect schema_dialect() const;
  const std::vector<unsupported_keyword>& unsupported_keywords() const;
  const std::vector<std::string>& warnings() const;  // e.g. format "iri" at /properties/x is not asserted

 private:
  struct impl;
  explicit compiled_schema(std::shared_ptr<const impl> p) : impl_(std::move(p)) {}
  std::shared_ptr<const impl> impl_;
};

// A thread-safe cache of compiled schemas, keyed by content (the schema text
// plus the cache's options) and optionally by a name. Entries live as long as
// the cache or any copy handed out.
class schema_cache {
 public:
  explicit schema_cache(compile_options options = {});
  ~schema_cache();
  schema_cache(const schema_cache&) = delete;
  schema_cache& operator=(const schema_cache&) = delete;

  // Returns the compiled schema for `schema_json`, compiling it on first use.
  core::result<compiled_schema> get_or_compile(std::string_view schema_json);
  // Compiles (or reuses) `schema_json` and binds it to `name`, replacing any previous binding.
  core::result<compiled_schema> put(std::string_view name, std::string_view schema_json);
  // The schema bound to `name`, if any.
  std::optional<compiled_schema> find(std::string_view name) const;
  std::size_t size() const;  // distinct compiled schemas

 private:
  struct state;
  std::unique_ptr<state> state_;
};

// The error-contract form of a non-empty list of violations: VALIDATION_FAILED,
// the messages joined, details {"field": first path, "rule": first keyword}.
core::error to_error(const std::vector<validation_error>& errors);

}  // namespace eventfabric::schema

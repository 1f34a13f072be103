#include "emulator/schema/validator.h"

#include <algorithm>
#include <array>
#include <exception>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "emulator/schema/schema_bundle.h"
#include "emulator/schema/schema_constraints.h"
#include "emulator/schema/schema_stack.h"
#include "emulator/schema/schema_uri.h"

namespace eventfabric::schema {

using json = nlohmann::json;

struct compiled_schema::impl {
  valijson::Schema schema;
  dialect schema_dialect = dialect::draft7;
  std::vector<unsupported_keyword> unsupported;
  std::vector<std::string> warnings;
  bool uses_pattern_properties = false;
  std::size_t max_instance_depth = 256;
};

namespace {

struct message_rule {
  std::string_view prefix;
  std::string_view keyword;  // empty: a wrapper that only repeats its children's errors
};

constexpr std::array<message_rule, 34> message_rules = {{
    {"Array contains more items than allowed", "additionalItems"},
    {"Cannot validate item #", "additionalItems"},
    {"Array should contain no fewer than", "minItems"},
    {"Array should contain no more than", "maxItems"},
    {"Elements at indexes #", "uniqueItems"},
    {"Expected number greater than or equal to", "minimum"},
    {"Expected number greater than", "exclusiveMinimum"},
    {"Expected number less than or equal to", "maximum"},
    {"Expected number less than", "exclusiveMaximum"},
    {"Failed to any values against subschema in 'contains'", "contains"},
    {"Failed to match against any enum values", "enum"},
    {"Failed to match expected value set by 'const'", "const"},
    {"Target value and comparison value are not equal", "const"},
    {"Failed to match regex", "pattern"},
    {"Failed to validate against any schemas allowed by anyOf", "anyOf"},
    {"Failed to validate against any child schemas allowed by oneOf", "oneOf"},
    {"Failed to validate against exactly one child schema", "oneOf"},
    {"Missing dependency", "dependencies"},
    {"Missing required property", "required"},
    {"Object contains a property that could not be validated", "additionalProperties"},
    {"Object should have no fewer than", "minProperties"},
    {"Object should have no more than", "maxProperties"},
    {"String should be no fewer than", "minLength"},
    {"String should be no more than", "maxLength"},
    {"Target should not validate against schema specified in 'not'", "not"},
    {"Value type not permitted", "type"},
    {"String should be a valid", "format"},
    {"Failed to validate against a conditional schema", ""},
    {"Failed to validate against additional properties schema", ""},
    {"Failed to validate against child schema #", ""},
    {"Failed to validate against dependent schema", ""},
    {"Failed to validate against schema associated with pattern", ""},
    {"Failed to validate against schema associated with property name", ""},
    {"Failed to validate item #", ""},
}};

// valijson's context is {"<root>", "[name]", "[0]", ...}: keys and indexes
// both become pointer tokens.
std::string to_pointer(const std::vector<std::string>& context) {
  std::string out;
  for (std::size_t i = 1; i < context.size(); ++i) {
    std::string_view t = context[i];
    if (t.size() >= 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
    out += "/" + detail::escape_pointer_token(t);
  }
  return out;
}

// Returns false for wrapper messages, which are dropped.
bool to_error(const valijson::ValidationResults::Error& e, validation_error& out) {
  out.path = to_pointer(e.context);
  const std::string& d = e.description;
  if (d.starts_with('[')) {  // our constraints: "[keyword] message"
    const auto close = d.find("] ");
    out.keyword = d.substr(1, close - 1);
    out.message = d.substr(close + 2);
    return true;
  }
  out.message = d;
  out.keyword = "schema";
  for (const auto& rule : message_rules) {
    if (!d.starts_with(rule.prefix)) continue;
    out.keyword = rule.keyword;
    return !rule.keyword.empty();
  }
  return true;
}

valijson::Validator& thread_validator() {
  // valijson's validator caches std::regex objects (for patternProperties) by
  // pattern text; one validator per thread keeps validate() lock-free.
  thread_local valijson::Validator validator;
  return validator;
}

std::vector<validation_error> collect_errors(const valijson::Schema& schema, const json& instance) {
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(instance);
  thread_validator().validate(schema, target, &results);
  std::vector<validation_error> out;
  for (const auto& e : results) {
    validation_error v;
    if (to_error(e, v) && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
  }
  if (out.empty())  // valijson reports no detail for propertyNames
    out.push_back({"", "propertyNames", "A property name does not conform to the schema."});
  return out;
}

std::vector<validation_error> validate_here(const valijson::Schema& schema, const json& instance) {
  try {
    valijson::adapters::NlohmannJsonAdapter target(instance);
    if (thread_validator().validate(schema, target, nullptr)) return {};
    return collect_errors(schema, instance);
  } catch (const std::exception& e) {
    return {{"", "schema", std::string("validation failed: ") + e.what()}};
  }
}

}  // namespace

core::result<compiled_schema> compiled_schema::compile(const json& schema, const compile_options& options) {
  auto b = detail::make_bundle(schema, options);
  if (!b) return std::unexpected(b.error());
  if (options.on_unsupported == unsupported_policy::reject && !b->unsupported.empty()) {
    std::string list;
    for (const auto& u : b->unsupported) list += (list.empty() ? "" : ", ") + u.keyword + " at " + u.pointer;
    return core::fail(core::errc::invalid_argument,
                      "the schema uses keywords this validator does not implement: " + list,
                      {{"field", b->unsupported.front().pointer}});
  }
  auto p = std::make_shared<impl>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    detail::register_constraints(parser);
    valijson::adapters::NlohmannJsonAdapter adapter(b->document);
    parser.populateSchema(adapter, p->schema);
  } catch (const std::exception& e) {
    return core::fail(core::errc::invalid_argument, std::string("invalid schema: ") + e.what());
  }
  p->schema_dialect = b->schema_dialect;
  p->unsupported = std::move(b->unsupported);
  p->warnings = std::move(b->warnings);
  p->uses_pattern_properties = b->uses_pattern_properties;
  p->max_instance_depth = options.max_instance_depth;
  return compiled_schema(std::move(p));
}

core::result<compiled_schema> compiled_schema::compile(std::string_view text,
                                                       const compile_options& options) {
  const json schema = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (schema.is_discarded())
    return core::fail(core::errc::invalid_argument, "the schema is not valid JSON (or not valid UTF-8)");
  return compile(schema, options);
}

std::vector<validation_error> compiled_schema::validate(const json& instance) const {
  const detail::json_shape shape = detail::measure(instance, impl_->max_instance_depth);
  if (shape.depth > impl_->max_instance_depth)
    return {{"", "maxDepth",
             "The document nests " + std::to_string(shape.depth) + " levels deep; the limit is " +
                 std::to_string(impl_->max_instance_depth) + "."}};
  // valijson matches patternProperties against property names itself (see schema_stack.h).
  if (!impl_->uses_pattern_properties || shape.longest_key <= detail::inline_regex_bytes)
    return validate_here(impl_->schema, instance);
  if (shape.longest_key > detail::max_regex_bytes)
    return {{"", "patternProperties",
             "A property name of " + std::to_string(shape.longest_key) +
                 " bytes is too long to match against patternProperties (limit " +
                 std::to_string(detail::max_regex_bytes) + ")."}};
  std::vector<validation_error> out;
  if (!detail::run_with_stack(detail::regex_stack_bytes(shape.longest_key),
                              [&]() { out = validate_here(impl_->schema, instance); }))
    return {{"", "patternProperties", "Could not start a thread to match long property names."}};
  return out;
}

std::vector<validation_error> compiled_schema::validate(std::string_view text) const {
  const json instance = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (instance.is_discarded()) return {{"", "json", "The document is not valid JSON (or not valid UTF-8)."}};
  return validate(instance);
}

validation_report compiled_schema::check(const json& instance) const {
  return validation_report{validate(instance), &impl_->unsupported};
}

dialect compiled_schema::schema_dialect() const { return impl_->schema_dialect; }
const std::vector<unsupported_keyword>& compiled_schema::unsupported_keywords() const {
  return impl_->unsupported;
}
const std::vector<std::string>& compiled_schema::warnings() const { return impl_->warnings; }

core::error to_error(const std::vector<validation_error>& errors) {
  std::string message;
  for (const auto& e : errors) {
    if (message.size() > 2000) {
      message += "; ...";
      break;
    }
    message += (message.empty() ? "" : "; ") + (e.path.empty() ? "/" : e.path) + ": " + e.message;
  }
  std::vector<std::pair<std::string, std::string>> details;
  if (!errors.empty()) {
    details.emplace_back("field", errors.front().path);
    details.emplace_back("rule", errors.front().keyword);
  }
  if (errors.size() > 1) details.emplace_back("violations", std::to_string(errors.size()));
  return core::error{core::errc::validation_failed, message, std::move(details)};
}

}  // namespace eventfabric::schema

// One plain sentence per change type. "Old data" is data written with the original
// (writer) schema; "the new schema" is the update (reader) schema of the diff.
// Incompatible types say what breaks and how to fix it; compatible ones are neutral.

#include "emulator/schema/compat_internal.h"

namespace eventfabric::schema::compat_detail {
namespace {

std::string_view explain_general(ct t) {
  switch (t) {
    case ct::ID_CHANGED:
      return "the $id changed; this does not affect which data is valid";
    case ct::DESCRIPTION_CHANGED:
      return "the description changed; this does not affect which data is valid";
    case ct::TITLE_CHANGED:
      return "the title changed; this does not affect which data is valid";
    case ct::DEFAULT_CHANGED:
      return "the default value changed; this does not affect which data is valid";
    case ct::SCHEMA_ADDED:
      return "a schema now constrains a value that was unconstrained: old data may not match it; drop the "
             "constraint or publish the change as a new .vN topic";
    case ct::SCHEMA_REMOVED:
      return "a constraining schema was removed, so more values are accepted";
    case ct::TYPE_EXTENDED:
      return "the type was widened (e.g. integer to number), so all old values still fit";
    case ct::TYPE_NARROWED:
      return "the type was narrowed (e.g. number to integer): old values may no longer fit; keep the wider "
             "type";
    case ct::TYPE_CHANGED:
      return "the type changed: old data of the previous type is rejected; keep the type and add a new field "
             "instead, or publish the change as a new .vN topic";
    default:
      return {};
  }
}

std::string_view explain_string(ct t) {
  switch (t) {
    case ct::MAX_LENGTH_ADDED:
      return "a maxLength was added: longer old strings are rejected; drop it or set it above every length "
             "in use";
    case ct::MAX_LENGTH_REMOVED:
      return "maxLength was removed, so strings of any length are accepted";
    case ct::MAX_LENGTH_INCREASED:
      return "maxLength was raised, so all old strings still fit";
    case ct::MAX_LENGTH_DECREASED:
      return "maxLength was lowered: longer old strings are rejected; keep the previous maxLength";
    case ct::MIN_LENGTH_ADDED:
      return "a minLength was added: shorter old strings are rejected; drop it or make it 0";
    case ct::MIN_LENGTH_REMOVED:
      return "minLength was removed, so strings of any length are accepted";
    case ct::MIN_LENGTH_INCREASED:
      return "minLength was raised: shorter old strings are rejected; keep the previous minLength";
    case ct::MIN_LENGTH_DECREASED:
      return "minLength was lowered, so all old strings still fit";
    case ct::PATTERN_ADDED:
      return "a pattern was added: old strings that do not match it are rejected; drop the pattern";
    case ct::PATTERN_REMOVED:
      return "the pattern was removed, so any string is accepted";
    case ct::PATTERN_CHANGED:
      return "the pattern changed: old strings may not match the new one; keep the previous pattern";
    default:
      return {};
  }
}

std::string_view explain_number(ct t) {
  switch (t) {
    case ct::MAXIMUM_ADDED:
      return "a maximum was added: larger old values are rejected; drop it";
    case ct::MAXIMUM_REMOVED:
      return "the maximum was removed, so larger values are accepted";
    case ct::MAXIMUM_INCREASED:
      return "the maximum was raised, so all old values still fit";
    case ct::MAXIMUM_DECREASED:
      return "the maximum was lowered: larger old values are rejected; keep it";
    case ct::MINIMUM_ADDED:
      return "a minimum was added: smaller old values are rejected; drop it";
    case ct::MINIMUM_REMOVED:
      return "the minimum was removed, so smaller values are accepted";
    case ct::MINIMUM_INCREASED:
      return "the minimum was raised: smaller old values are rejected; keep it";
    case ct::MINIMUM_DECREASED:
      return "the minimum was lowered, so all old values still fit";
    case ct::EXCLUSIVE_MAXIMUM_ADDED:
      return "an exclusiveMaximum was added: larger old values are rejected; drop it";
    case ct::EXCLUSIVE_MAXIMUM_REMOVED:
      return "exclusiveMaximum was removed, so larger values are accepted";
    case ct::EXCLUSIVE_MAXIMUM_INCREASED:
      return "exclusiveMaximum was raised, so all old values still fit";
    case ct::EXCLUSIVE_MAXIMUM_DECREASED:
      return "exclusiveMaximum was lowered: larger old values are rejected; keep it";
    case ct::EXCLUSIVE_MINIMUM_ADDED:
      return "an exclusiveMinimum was added: smaller old values are rejected; drop it";
    case ct::EXCLUSIVE_MINIMUM_REMOVED:
      return "exclusiveMinimum was removed, so smaller values are accepted";
    case ct::EXCLUSIVE_MINIMUM_INCREASED:
      return "exclusiveMinimum was raised: smaller old values are rejected; keep it";
    case ct::EXCLUSIVE_MINIMUM_DECREASED:
      return "exclusiveMinimum was lowered, so all old values still fit";
    case ct::MULTIPLE_OF_ADDED:
      return "a multipleOf was added: old values that are not multiples are rejected; drop it";
    case ct::MULTIPLE_OF_REMOVED:
      return "multipleOf was removed, so any number is accepted";
    case ct::MULTIPLE_OF_EXPANDED:
      return "multipleOf became a multiple of the old one: old values may not divide evenly; keep the old "
             "divisor";
    case ct::MULTIPLE_OF_REDUCED:
      return "multipleOf became a divisor of the old one, so all old values still fit";
    case ct::MULTIPLE_OF_CHANGED:
      return "multipleOf changed to an unrelated divisor: old values may not divide evenly; keep the old "
             "divisor";
    default:
      return {};
  }
}

std::string_view explain_object_fields(ct t) {
  switch (t) {
    case ct::REQUIRED_ATTRIBUTE_ADDED:
      return "an existing property became required: old data without it is rejected; give it a default or "
             "keep "
             "it optional";
    case ct::REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED:
      return "an existing property became required but has a default, so old data without it still reads";
    case ct::REQUIRED_ATTRIBUTE_REMOVED:
      return "a property is no longer required";
    case ct::MAX_PROPERTIES_ADDED:
      return "a maxProperties was added: larger old objects are rejected; drop it";
    case ct::MAX_PROPERTIES_REMOVED:
      return "maxProperties was removed, so objects of any size are accepted";
    case ct::MAX_PROPERTIES_INCREASED:
      return "maxProperties was raised, so all old objects still fit";
    case ct::MAX_PROPERTIES_DECREASED:
      return "maxProperties was lowered: larger old objects are rejected; keep it";
    case ct::MIN_PROPERTIES_ADDED:
      return "a minProperties was added: smaller old objects are rejected; drop it";
    case ct::MIN_PROPERTIES_REMOVED:
      return "minProperties was removed, so objects of any size are accepted";
    case ct::MIN_PROPERTIES_INCREASED:
      return "minProperties was raised: smaller old objects are rejected; keep it";
    case ct::MIN_PROPERTIES_DECREASED:
      return "minProperties was lowered, so all old objects still fit";
    case ct::ADDITIONAL_PROPERTIES_ADDED:
      return "additional properties are now allowed";
    case ct::ADDITIONAL_PROPERTIES_REMOVED:
      return "additional properties are no longer allowed: old data carrying extra properties is rejected; "
             "keep "
             "additionalProperties open";
    case ct::ADDITIONAL_PROPERTIES_EXTENDED:
      return "the additionalProperties schema was relaxed to accept anything";
    case ct::ADDITIONAL_PROPERTIES_NARROWED:
      return "additionalProperties now has a schema: old extra properties of another shape are rejected; "
             "keep it "
             "open";
    case ct::DEPENDENCY_ARRAY_ADDED:
      return "a dependentRequired rule was added: old data lacking the dependent properties is rejected; "
             "drop it";
    case ct::DEPENDENCY_ARRAY_REMOVED:
      return "a dependentRequired rule was removed";
    case ct::DEPENDENCY_ARRAY_EXTENDED:
      return "a dependentRequired rule now requires more properties: old data may lack them; keep the old "
             "list";
    case ct::DEPENDENCY_ARRAY_NARROWED:
      return "a dependentRequired rule now requires fewer properties";
    case ct::DEPENDENCY_ARRAY_CHANGED:
      return "a dependentRequired rule requires different properties: old data may lack them; keep the old "
             "list";
    case ct::DEPENDENCY_SCHEMA_ADDED:
      return "a dependentSchemas rule was added: old data may not satisfy it; drop it";
    case ct::DEPENDENCY_SCHEMA_REMOVED:
      return "a dependentSchemas rule was removed";
    case ct::RESERVED_PROPERTY_REMOVED:
      return "a reserved property name was released: old data may still use it; keep it reserved";
    case ct::RESERVED_PROPERTY_CONFLICTS_WITH_PROPERTY:
      return "a property uses a reserved name: data may be misread; rename the property or release the "
             "reservation in a new .vN";
    case ct::UNEVALUATED_PROPERTIES_ADDED:
      return "unevaluated properties are now allowed";
    case ct::UNEVALUATED_PROPERTIES_REMOVED:
      return "unevaluated properties are no longer allowed: old data carrying extra properties is rejected; "
             "keep "
             "unevaluatedProperties open";
    case ct::UNEVALUATED_PROPERTIES_EXTENDED:
      return "the unevaluatedProperties schema was relaxed to accept anything";
    case ct::UNEVALUATED_PROPERTIES_NARROWED:
      return "unevaluatedProperties now has a schema: old extra properties of another shape are rejected; "
             "keep it "
             "open";
    default:
      return {};
  }
}

std::string_view explain_content_model(ct t) {
  switch (t) {
    case ct::PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL:
    case ct::OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL:
      return "a property was added while the content model is open (additionalProperties not false): old "
             "data may "
             "already carry this property with another shape; close the content model or publish the change "
             "as a "
             "new .vN";
    case ct::REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL:
      return "a required property was added while the content model is open: old data lacks it or may carry "
             "it "
             "with another shape; make it optional in a closed model or publish the change as a new .vN";
    case ct::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL:
      return "a required property with a default was added while the content model is open: old data may "
             "carry "
             "it with another shape; close the content model or publish the change as a new .vN";
    case ct::PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL:
      return "a property that accepts anything was added to an open content model";
    case ct::REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL:
      return "a required property was added: old data lacks it and is rejected; make it optional or give it "
             "a "
             "default";
    case ct::REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL:
      return "a required property with a default was added to a closed content model";
    case ct::OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL:
      return "an optional property was added to a closed content model";
    case ct::PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL:
      return "a property was removed from an open content model, so old values of it are still accepted as "
             "extra "
             "properties";
    case ct::PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL:
      return "a forbidden (false) property was removed from a closed content model";
    case ct::PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL:
      return "a property was removed while additionalProperties is false: old data carrying it is rejected; "
             "keep "
             "the property (deprecate it) or open the content model";
    case ct::PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a property was removed but patternProperties/additionalProperties still accept its old values";
    case ct::PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a property was removed and patternProperties/additionalProperties reject its old values; keep "
             "the "
             "property or widen that schema";
    case ct::PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a property was added whose schema accepts everything patternProperties/additionalProperties "
             "allowed before";
    case ct::PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a property was added whose schema rejects values patternProperties/additionalProperties "
             "allowed "
             "before; widen the new property's schema";
    default:
      return {};
  }
}

std::string_view explain_array(ct t) {
  switch (t) {
    case ct::MAX_ITEMS_ADDED:
      return "a maxItems was added: longer old arrays are rejected; drop it";
    case ct::MAX_ITEMS_REMOVED:
      return "maxItems was removed, so arrays of any length are accepted";
    case ct::MAX_ITEMS_INCREASED:
      return "maxItems was raised, so all old arrays still fit";
    case ct::MAX_ITEMS_DECREASED:
      return "maxItems was lowered: longer old arrays are rejected; keep it";
    case ct::MIN_ITEMS_ADDED:
      return "a minItems was added: shorter old arrays are rejected; drop it";
    case ct::MIN_ITEMS_REMOVED:
      return "minItems was removed, so arrays of any length are accepted";
    case ct::MIN_ITEMS_INCREASED:
      return "minItems was raised: shorter old arrays are rejected; keep it";
    case ct::MIN_ITEMS_DECREASED:
      return "minItems was lowered, so all old arrays still fit";
    case ct::MAX_CONTAINS_ADDED:
      return "a maxContains was added: old arrays with more matches are rejected; drop it";
    case ct::MAX_CONTAINS_REMOVED:
      return "maxContains was removed";
    case ct::MAX_CONTAINS_INCREASED:
      return "maxContains was raised, so all old arrays still fit";
    case ct::MAX_CONTAINS_DECREASED:
      return "maxContains was lowered: old arrays may have too many matches; keep it";
    case ct::MIN_CONTAINS_ADDED:
      return "a minContains was added: old arrays may have too few matches; drop it";
    case ct::MIN_CONTAINS_REMOVED:
      return "minContains was removed";
    case ct::MIN_CONTAINS_INCREASED:
      return "minContains was raised: old arrays may have too few matches; keep it";
    case ct::MIN_CONTAINS_DECREASED:
      return "minContains was lowered, so all old arrays still fit";
    case ct::UNIQUE_ITEMS_ADDED:
      return "uniqueItems was added: old arrays with duplicates are rejected; drop it";
    case ct::UNIQUE_ITEMS_REMOVED:
      return "uniqueItems was removed, so duplicates are accepted";
    case ct::ADDITIONAL_ITEMS_ADDED:
      return "additional array items are now allowed";
    case ct::ADDITIONAL_ITEMS_REMOVED:
      return "additional array items are no longer allowed: longer old arrays are rejected; keep them "
             "allowed";
    case ct::ADDITIONAL_ITEMS_EXTENDED:
      return "the schema for additional array items was relaxed to accept anything";
    case ct::ADDITIONAL_ITEMS_NARROWED:
      return "additional array items now need a schema: old extra items of another shape are rejected; keep "
             "it "
             "open";
    case ct::UNEVALUATED_ITEMS_ADDED:
      return "unevaluated array items are now allowed";
    case ct::UNEVALUATED_ITEMS_REMOVED:
      return "unevaluated array items are no longer allowed: longer old arrays are rejected; keep them "
             "allowed";
    case ct::UNEVALUATED_ITEMS_EXTENDED:
      return "the unevaluatedItems schema was relaxed to accept anything";
    case ct::UNEVALUATED_ITEMS_NARROWED:
      return "unevaluatedItems now has a schema: old extra items of another shape are rejected; keep it open";
    default:
      return {};
  }
}

std::string_view explain_tuple(ct t) {
  switch (t) {
    case ct::ITEM_ADDED_TO_OPEN_CONTENT_MODEL:
      return "a tuple position was added while extra items are allowed: old arrays may hold another shape "
             "there; "
             "close the tuple (items/additionalItems false) or publish the change as a new .vN";
    case ct::ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL:
      return "a tuple position that accepts anything was added to an open tuple";
    case ct::ITEM_ADDED_TO_CLOSED_CONTENT_MODEL:
      return "a tuple position was added to a closed tuple";
    case ct::ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL:
      return "a tuple position was removed from an open tuple, so old values there are still accepted";
    case ct::ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL:
      return "a forbidden (false) tuple position was removed from a closed tuple";
    case ct::ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL:
      return "a tuple position was removed from a closed tuple: longer old arrays are rejected; keep the "
             "position";
    case ct::ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a tuple position was removed but the schema for extra items still accepts its old values";
    case ct::ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a tuple position was removed and the schema for extra items rejects its old values; keep the "
             "position or widen that schema";
    case ct::ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a tuple position was added whose schema accepts everything the extra-items schema allowed "
             "before";
    case ct::ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
      return "a tuple position was added whose schema rejects values the extra-items schema allowed before; "
             "widen the new position's schema";
    default:
      return {};
  }
}

std::string_view explain_composition(ct t) {
  switch (t) {
    case ct::ENUM_ARRAY_EXTENDED:
      return "enum values were added, so all old values are still accepted";
    case ct::ENUM_ARRAY_NARROWED:
      return "enum values were removed: old data using them is rejected; keep the values (deprecate them "
             "instead)";
    case ct::ENUM_ARRAY_CHANGED:
      return "the enum/const values changed: old data using the previous values is rejected; only add values";
    case ct::COMBINED_TYPE_EXTENDED:
      return "the combination became less strict (e.g. oneOf/allOf to anyOf)";
    case ct::COMBINED_TYPE_CHANGED:
      return "the combination changed in a stricter way (e.g. anyOf to oneOf/allOf): old data may no longer "
             "match; keep the previous keyword";
    case ct::PRODUCT_TYPE_EXTENDED:
      return "an allOf gained a subschema: old data must now match one more schema; drop the added subschema";
    case ct::PRODUCT_TYPE_NARROWED:
      return "an allOf lost a subschema, so fewer constraints apply";
    case ct::SUM_TYPE_EXTENDED:
      return "a oneOf/anyOf gained an alternative, so all old values still match";
    case ct::SUM_TYPE_NARROWED:
      return "a oneOf/anyOf lost an alternative: old values of it are rejected; keep the alternative";
    case ct::COMBINED_TYPE_SUBSCHEMAS_CHANGED:
      return "the allOf/anyOf/oneOf subschemas changed so that some old alternative has no compatible "
             "counterpart; change alternatives only compatibly";
    case ct::NOT_TYPE_EXTENDED:
      return "the 'not' schema now excludes more values: old data may be rejected; keep the previous 'not'";
    case ct::NOT_TYPE_NARROWED:
      return "the 'not' schema now excludes fewer values";
    default:
      return {};
  }
}

}  // namespace

std::string_view explanation_of(ct type) noexcept {
  for (auto explain : {explain_general, explain_string, explain_number, explain_object_fields,
                       explain_content_model, explain_array, explain_tuple, explain_composition}) {
    if (auto s = explain(type); !s.empty()) return s;
  }
  return "the schema changed";  // unreachable: every type has a sentence (tested)
}

}  // namespace eventfabric::schema::compat_detail

#pragma once
// PII classification of JSON Schemas (ARCHITECTURE.md, Security: "PII
// classification in schemas"). A property schema may carry
// "x-pii": true | false. true classifies the whole subtree (an object marked
// x-pii is redacted as a whole); false states that a personal-looking name is
// not personal data. x-pii is an annotation: validation ignores it.
//
// Pure functions over a schema document; thread-safe; never throw for any
// JSON input (non-schemas yield no results).

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace eventfabric::schema {

struct pii_finding {
  std::string pointer;   // JSON pointer of the property schema, e.g. "/properties/payer/properties/email"
  std::string property;  // the property name, e.g. "email"
  std::string message;   // one plain sentence
};

struct pii_field {
  std::string pointer;  // JSON pointer of the property schema (where x-pii: true is)
  std::string
      instance_path;     // where the value sits in an instance, e.g. "/payer/email"; "*" = any item or key
  std::string property;  // the property name ("" for array items)
};

// The words of a property name, lower case: "dateOfBirth" -> {date, of, birth},
// "e-mail" -> {e, mail}, "IPAddress" -> {ip, address}, "card_number2" -> {card, number2}.
std::vector<std::string> split_words(std::string_view name);

// True when a property name looks like personal data: email, e-mail, phone,
// mobile, name / first_name / last_name / full_name / payer_name, address,
// street, postcode / postal_code / zip, ssn, national_id, passport, ip /
// ip_address, birth_date / date_of_birth / dob, iban, card_number, ...
bool looks_like_pii(std::string_view property_name);

// Properties whose names look like personal data but lack an x-pii
// classification, and x-pii values that are not booleans. Walks properties,
// nested objects, array items, additional/pattern properties, definitions /
// $defs, allOf/anyOf/oneOf, not, if/then/else and dependencies. A local $ref
// sibling counts: {"$ref": "#/definitions/email"} is classified when the
// target carries x-pii.
std::vector<pii_finding> find_unclassified_pii(const nlohmann::json& schema);

// Every location classified x-pii: true, with the instance path a redactor
// needs. Local $refs are followed. A recursive $ref (a tree) is walked once;
// where it repeats, one entry with instance_path ending in "/**" and the
// pointer of the recursive target says "the fields listed for that target
// repeat at any depth below here".
std::vector<pii_field> list_pii_fields(const nlohmann::json& schema);

}  // namespace eventfabric::schema

// PII classification: names that look personal must carry x-pii; x-pii: true
// locations are listed with the instance paths a redactor needs.
#include "emulator/schema/pii.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using nlohmann::json;
using namespace eventfabric::schema;

namespace {

std::vector<std::string> pointers(const std::vector<pii_finding>& f) {
  std::vector<std::string> out;
  for (const auto& x : f) out.push_back(x.pointer);
  return out;
}

}  // namespace

TEST(Pii, SplitWords) {
  using v = std::vector<std::string>;
  EXPECT_EQ(split_words("dateOfBirth"), (v{"date", "of", "birth"}));
  EXPECT_EQ(split_words("e-mail"), (v{"e", "mail"}));
  EXPECT_EQ(split_words("IPAddress"), (v{"ip", "address"}));
  EXPECT_EQ(split_words("payer_full_name"), (v{"payer", "full", "name"}));
  EXPECT_EQ(split_words("cardNumber2"), (v{"card", "number2"}));
  EXPECT_EQ(split_words("__x__"), (v{"x"}));
}

TEST(Pii, NamesThatLookPersonal) {
  for (const char* n :
       {"email",       "e-mail",     "E_Mail",      "emailAddress", "contact_email", "phone",
        "phoneNumber", "mobile",     "name",        "first_name",   "lastName",      "full_name",
        "payer_name",  "surname",    "address",     "street",       "postcode",      "postal_code",
        "zip",         "zipCode",    "ssn",         "national_id",  "passport",      "passport_number",
        "ip",          "ip_address", "IPAddress",   "client_ip",    "birth_date",    "dateOfBirth",
        "dob",         "iban",       "card_number", "cardNumber",   "credit_card",   "display_name"})
    EXPECT_TRUE(looks_like_pii(n)) << n;
  for (const char* n : {"amount", "currency", "file_name", "workflow_name", "template", "type", "recipient",
                        "zipper", "ship", "tip", "description", "user_id", "named", "namespace", "recipe_id"})
    EXPECT_FALSE(looks_like_pii(n)) << n;
}

TEST(Pii, FindsUnclassifiedPropertiesEverywhere) {
  const json schema = json::parse(R"({
    "properties": {
      "email": {"type": "string"},
      "amount": {"type": "integer"},
      "payer": {"type": "object", "properties": {"name": {"type": "string"}, "phone": {"x-pii": true}}},
      "contacts": {"type": "array", "items": {"properties": {"mobile": {}}}},
      "owner": {"$ref": "#/definitions/person"},
      "holder": {"properties": {"iban": {"$ref": "#/definitions/iban"}}},
      "classified": {"x-pii": true, "properties": {"ssn": {}}},
      "weird": {"properties": {"passport": {"x-pii": "yes"}}}
    },
    "definitions": {
      "person": {"properties": {"date_of_birth": {"type": "string"}}},
      "iban": {"type": "string", "x-pii": true}
    },
    "allOf": [{"properties": {"ip_address": {}}}],
    "oneOf": [{"properties": {"street": {"x-pii": false}}}]
  })");
  const auto findings = find_unclassified_pii(schema);
  const std::vector<std::string> expected = {"/allOf/0/properties/ip_address",
                                             "/definitions/person/properties/date_of_birth",
                                             "/properties/contacts/items/properties/mobile",
                                             "/properties/email",
                                             "/properties/payer/properties/name",
                                             "/properties/weird/properties/passport"};
  auto got = pointers(findings);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, expected);
  for (const auto& f : findings) {
    EXPECT_FALSE(f.property.empty());
    if (f.property == "passport")
      EXPECT_NE(f.message.find("true or false"), std::string::npos);
    else
      EXPECT_NE(f.message.find("no x-pii"), std::string::npos);
  }
}

TEST(Pii, ListsClassifiedFieldsWithInstancePaths) {
  const json schema = json::parse(R"({
    "properties": {
      "payer": {"properties": {"name": {"x-pii": true}, "email": {"x-pii": true}, "id": {}}},
      "lines": {"items": {"properties": {"note": {"x-pii": true}}}},
      "owner": {"$ref": "#/definitions/person"},
      "tree": {"$ref": "#/definitions/node"},
      "free": {"additionalProperties": {"x-pii": true}},
      "a/b": {"x-pii": true},
      "public": {"x-pii": false}
    },
    "definitions": {
      "person": {"properties": {"phone": {"x-pii": true}}},
      "node": {"properties": {"label": {"x-pii": true}, "children": {"items": {"$ref": "#/definitions/node"}}}}
    }
  })");
  std::vector<std::string> got;
  for (const auto& f : list_pii_fields(schema)) got.push_back(f.instance_path + " <- " + f.pointer);
  std::sort(got.begin(), got.end());
  const std::vector<std::string> expected = {
      "/a~1b <- /properties/a~1b",
      "/free/* <- /properties/free/additionalProperties",
      "/lines/*/note <- /properties/lines/items/properties/note",
      "/owner/phone <- /definitions/person/properties/phone",
      "/payer/email <- /properties/payer/properties/email",
      "/payer/name <- /properties/payer/properties/name",
      "/tree/children/*/** <- /definitions/node",
      "/tree/label <- /definitions/node/properties/label",
  };
  EXPECT_EQ(got, expected);
}

TEST(Pii, HostileInputNeverThrows) {
  EXPECT_TRUE(find_unclassified_pii(json(true)).empty());
  EXPECT_TRUE(list_pii_fields(json::array({1, 2})).empty());
  json loop = json::parse(R"({"$ref": "#", "properties": {"x": {"$ref": "#"}}})");
  EXPECT_TRUE(list_pii_fields(loop).empty());
  json deep = json::object();
  json* cur = &deep;
  for (int i = 0; i < 10'000; ++i) cur = &((*cur)["properties"]["email"] = json::object());
  EXPECT_FALSE(find_unclassified_pii(deep).empty());  // the walk stops at its depth limit
  EXPECT_TRUE(list_pii_fields(json{{"$ref", "#/definitions/missing"}}).empty());
}

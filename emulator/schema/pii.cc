#include "emulator/schema/pii.h"

#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "emulator/schema/schema_keywords.h"
#include "emulator/schema/schema_uri.h"

namespace eventfabric::schema {
namespace {

using json = nlohmann::json;
constexpr std::size_t max_walk_depth = 200;

// Compact forms: a word, or two or three adjacent words joined ("date"+"of"+"birth").
const std::unordered_set<std::string>& pii_terms() {
  static const std::unordered_set<std::string> terms = {"email",
                                                        "emailaddress",
                                                        "phone",
                                                        "phonenumber",
                                                        "mobile",
                                                        "msisdn",
                                                        "telephone",
                                                        "firstname",
                                                        "lastname",
                                                        "fullname",
                                                        "givenname",
                                                        "familyname",
                                                        "middlename",
                                                        "maidenname",
                                                        "surname",
                                                        "forename",
                                                        "displayname",
                                                        "username",
                                                        "nickname",
                                                        "address",
                                                        "streetaddress",
                                                        "street",
                                                        "postcode",
                                                        "postalcode",
                                                        "zip",
                                                        "zipcode",
                                                        "ssn",
                                                        "socialsecuritynumber",
                                                        "nationalid",
                                                        "nationalidentifier",
                                                        "nationalidnumber",
                                                        "passport",
                                                        "passportnumber",
                                                        "ip",
                                                        "ipaddress",
                                                        "ipv4",
                                                        "ipv6",
                                                        "birthdate",
                                                        "dateofbirth",
                                                        "dob",
                                                        "birthday",
                                                        "iban",
                                                        "cardnumber",
                                                        "creditcard",
                                                        "creditcardnumber",
                                                        "cvv",
                                                        "cvc",
                                                        "taxid",
                                                        "driverslicense",
                                                        "driverlicense"};
  return terms;
}

// A "<who>_name" property names a person.
const std::unordered_set<std::string>& person_words() {
  static const std::unordered_set<std::string> words = {
      "payer",   "customer", "recipient", "sender",      "holder", "cardholder",
      "contact", "person",   "owner",     "beneficiary", "user",   "legal",
      "billing", "shipping", "employee",  "patient",     "member", "account"};
  return words;
}

bool is_lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }
bool is_upper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

struct walk_context {
  const json& root;
  std::unordered_set<std::string> active_refs;  // list_pii_fields: refs on the current path
};

// The x-pii classification of a property schema: its own, else a local $ref target's.
const json* classification(const json& root, const json& node) {
  if (!node.is_object()) return nullptr;
  if (auto it = node.find("x-pii"); it != node.end()) return &*it;
  auto ref = node.find("$ref");
  if (ref == node.end() || !ref->is_string() || !ref->get_ref<const std::string&>().starts_with("#"))
    return nullptr;
  const json* target =
      detail::resolve_pointer(root, detail::percent_decode(ref->get<std::string>().substr(1)));
  if (!target || !target->is_object()) return nullptr;
  auto it = target->find("x-pii");
  return it == target->end() ? nullptr : &*it;
}

void find_in(const json& root, const json& node, const std::string& pointer, std::size_t depth,
             std::vector<pii_finding>& out) {
  if (!node.is_object() || depth > max_walk_depth) return;
  detail::for_each_subschema(node, dialect::draft7, [&](const json& child, const std::string& suffix) {
    const std::string here = pointer + suffix;
    if (suffix.starts_with("/properties/")) {
      const std::string name = detail::unescape_pointer_token(suffix.substr(12));
      const json* pii = classification(root, child);
      if (pii && !pii->is_boolean()) {
        out.push_back({here, name, "x-pii of property '" + name + "' must be true or false"});
      } else if (!pii && looks_like_pii(name)) {
        out.push_back(
            {here, name, "property '" + name + "' looks like personal data but has no x-pii classification"});
      }
      if (pii && pii->is_boolean() && pii->get<bool>()) return;  // the whole subtree is classified
    }
    find_in(root, child, here, depth + 1, out);
  });
}

bool contains_pii(const json& node, std::size_t depth) {
  if (depth > max_walk_depth) return false;
  if (node.is_object()) {
    if (auto it = node.find("x-pii"); it != node.end() && it->is_boolean() && it->get<bool>()) return true;
    for (const auto& [key, child] : node.items())
      if (key != "enum" && key != "const" && key != "default" && key != "examples" &&
          contains_pii(child, depth + 1))
        return true;
  } else if (node.is_array()) {
    for (const auto& child : node)
      if (contains_pii(child, depth + 1)) return true;
  }
  return false;
}

std::string instance_step(const std::string& suffix) {
  static constexpr std::array<std::string_view, 5> same_place = {"/allOf/", "/anyOf/", "/oneOf/", "/then",
                                                                 "/else"};
  for (auto p : same_place)
    if (suffix.starts_with(p)) return "";
  if (suffix.starts_with("/dependencies/") || suffix.starts_with("/dependentSchemas/") || suffix == "/if")
    return "";
  if (suffix.starts_with("/properties/")) return "/" + suffix.substr(12);
  if (suffix.starts_with("/items/") || suffix.starts_with("/prefixItems/"))
    return suffix.substr(suffix.find('/', 1));  // positional items keep their index
  if (suffix == "/items" || suffix == "/additionalItems" || suffix == "/contains" ||
      suffix == "/additionalProperties" || suffix.starts_with("/patternProperties/"))
    return "/*";
  return "!";  // not, definitions, propertyNames: not instance data at this place
}

void list_in(walk_context& ctx, const json& node, const std::string& pointer, const std::string& path,
             std::size_t depth, std::vector<pii_field>& out) {
  if (!node.is_object() || depth > max_walk_depth) return;
  if (auto ref = node.find("$ref"); ref != node.end() && ref->is_string()) {
    const std::string& r = ref->get_ref<const std::string&>();
    const std::string target_pointer = detail::percent_decode(r.substr(r.starts_with("#") ? 1 : 0));
    const json* target = r.starts_with("#") ? detail::resolve_pointer(ctx.root, target_pointer) : nullptr;
    if (target && ctx.active_refs.insert(target_pointer).second) {
      list_in(ctx, *target, target_pointer, path, depth + 1, out);
      ctx.active_refs.erase(target_pointer);
    } else if (target && contains_pii(*target, 0)) {
      out.push_back({target_pointer, path + "/**", ""});  // recursion: the target's fields repeat below
    }
  }
  detail::for_each_subschema(node, dialect::draft7, [&](const json& child, const std::string& suffix) {
    const std::string step = instance_step(suffix);
    if (step == "!") return;
    const std::string here = pointer + suffix, at = path + step;
    if (auto it = child.is_object() ? child.find("x-pii") : child.end();
        child.is_object() && it != child.end() && it->is_boolean() && it->get<bool>()) {
      const std::string name =
          suffix.starts_with("/properties/") ? detail::unescape_pointer_token(suffix.substr(12)) : "";
      out.push_back({here, at, name});
      return;
    }
    list_in(ctx, child, here, at, depth + 1, out);
  });
}

}  // namespace

std::vector<std::string> split_words(std::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(std::move(cur));
    cur.clear();
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!is_alnum(c)) {
      flush();
      continue;
    }
    // camelCase ("dateOf") and acronym ends ("IPAddress": P|Ad) start a new word.
    const bool boundary =
        is_upper(c) && i > 0 &&
        (is_lower(name[i - 1]) || (is_upper(name[i - 1]) && i + 1 < name.size() && is_lower(name[i + 1])));
    if (boundary) flush();
    cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  flush();
  return words;
}

bool looks_like_pii(std::string_view property_name) {
  const auto words = split_words(property_name);
  if (words.size() == 1 && words[0] == "name") return true;
  const auto& terms = pii_terms();
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string joined;
    for (std::size_t n = 0; n < 3 && i + n < words.size(); ++n) {
      joined += words[i + n];
      if (terms.contains(joined)) return true;
    }
    if (words[i] == "name" && i > 0 && person_words().contains(words[i - 1])) return true;
  }
  return false;
}

std::vector<pii_finding> find_unclassified_pii(const json& schema) {
  std::vector<pii_finding> out;
  find_in(schema, schema, "", 0, out);
  return out;
}

std::vector<pii_field> list_pii_fields(const json& schema) {
  std::vector<pii_field> out;
  walk_context ctx{schema, {}};
  list_in(ctx, schema, "", "", 0, out);
  return out;
}

}  // namespace eventfabric::schema

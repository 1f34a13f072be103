#include "emulator/schema/envelope_validator.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace eventfabric::schema {

std::vector<validation_error> envelope_validator::validate(const nlohmann::json& doc) const {
  std::vector<validation_error> errors = contracts_->envelope().validate(doc);
  if (!doc.is_object()) return errors;
  auto type = doc.find("type");
  if (type == doc.end() || !type->is_string()) return errors;
  // A malformed type cannot name a contract; the envelope error says why.
  if (std::any_of(errors.begin(), errors.end(), [](const auto& e) { return e.path == "/type"; }))
    return errors;
  const std::string& name = type->get_ref<const std::string&>();
  const compiled_schema* payload_schema = contracts_->find(name);
  if (!payload_schema) {
    errors.push_back(
        {"/type", "contract", "unknown event type " + name + " (no contracts/" + name + ".json)"});
    return errors;
  }
  auto payload = doc.find("payload");
  if (payload == doc.end() || !payload->is_object()) return errors;
  for (auto& e : payload_schema->validate(*payload)) {
    e.path = "/payload" + e.path;
    errors.push_back(std::move(e));
  }
  return errors;
}

std::vector<validation_error> envelope_validator::validate(std::string_view text) const {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return {{"", "json", "The message is not valid JSON (or not valid UTF-8)."}};
  return validate(doc);
}

core::result<void> envelope_validator::check(std::string_view text) const {
  auto errors = validate(text);
  if (errors.empty()) return {};
  return std::unexpected(to_error(errors));
}

}  // namespace eventfabric::schema

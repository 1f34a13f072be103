#pragma once
// Validates a whole message: the envelope against contracts/envelope.schema.json
// and its payload against contracts/<type>.json. Every error names the
// instance pointer and the rule, e.g. {"/payload/amount", "minimum", ...}.
//
// The validator shares the immutable contracts; validate() may be called from
// any thread.

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/schema/contracts.h"
#include "emulator/schema/validator.h"

namespace eventfabric::schema {

class envelope_validator {
 public:
  explicit envelope_validator(std::shared_ptr<const contracts> c) : contracts_(std::move(c)) {}

  // All violations of the envelope and the payload; empty when valid. A type
  // without a payload schema yields {"/type", "contract",
  // "unknown event type X (no contracts/X.json)"}. Payload errors are
  // prefixed with "/payload". Never throws.
  std::vector<validation_error> validate(const nlohmann::json& envelope) const;
  // Parses, then validates; unparsable text yields one error with keyword "json".
  std::vector<validation_error> validate(std::string_view envelope_json) const;
  // As validate(), as a result: VALIDATION_FAILED naming the first field and rule (schema::to_error).
  core::result<void> check(std::string_view envelope_json) const;

  const contracts& registry() const { return *contracts_; }

 private:
  std::shared_ptr<const contracts> contracts_;
};

}  // namespace eventfabric::schema

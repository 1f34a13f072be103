#include "emulator/core/error.h"

#include <nlohmann/json.hpp>

namespace eventfabric::core {

std::string_view code_name(errc c) noexcept {
  switch (c) {
    case errc::invalid_argument: return "INVALID_ARGUMENT";
    case errc::invalid_name: return "INVALID_NAME";
    case errc::validation_failed: return "VALIDATION_FAILED";
    case errc::not_found: return "NOT_FOUND";
    case errc::already_exists: return "ALREADY_EXISTS";
    case errc::offset_out_of_range: return "OFFSET_OUT_OF_RANGE";
    case errc::illegal_generation: return "ILLEGAL_GENERATION";
    case errc::unknown_member: return "UNKNOWN_MEMBER";
    case errc::rebalance_in_progress: return "REBALANCE_IN_PROGRESS";
    case errc::rejected: return "REJECTED";
    case errc::unroutable: return "UNROUTABLE";
    case errc::precondition_failed: return "PRECONDITION_FAILED";
    case errc::too_large: return "TOO_LARGE";
    case errc::storage_error: return "STORAGE_ERROR";
    case errc::incompatible_store: return "INCOMPATIBLE_STORE";
    case errc::internal: return "INTERNAL";
  }
  return "INTERNAL";
}

std::string_view error::detail(std::string_view key) const noexcept {
  for (const auto& [k, v] : details)
    if (k == key) return v;
  return {};
}

std::string to_error_contract(const error& e) {
  nlohmann::json details = nlohmann::json::object();
  for (const auto& [k, v] : e.details) details[k] = v;
  nlohmann::json body = {{"error",
                          {{"code", std::string(code_name(e.code))},
                           {"message", e.message},
                           {"details", std::move(details)}}}};
  // Replace invalid UTF-8 rather than throw: messages may quote client input.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace eventfabric::core

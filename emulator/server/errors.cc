#include "emulator/server/errors.h"

#include <nlohmann/json.hpp>

namespace eventfabric::server {

int http_status(core::errc code) noexcept {
  using core::errc;
  switch (code) {
    case errc::invalid_argument: return 400;
    case errc::invalid_name: return 400;
    case errc::validation_failed: return 422;
    case errc::not_found: return 404;
    case errc::already_exists: return 409;
    case errc::offset_out_of_range: return 416;
    case errc::illegal_generation: return 409;
    case errc::unknown_member: return 404;
    case errc::rebalance_in_progress: return 409;
    case errc::rejected: return 429;
    case errc::unroutable: return 404;
    case errc::precondition_failed: return 409;
    case errc::too_large: return 413;
    case errc::storage_error: return 503;
    case errc::incompatible_store: return 500;
    case errc::internal: return 500;
  }
  return 500;
}

response error_response(const core::error& e) {
  response r;
  r.status = http_status(e.code);
  r.body = core::to_error_contract(e);
  return r;
}

response error_response(int status, core::errc code, std::string message,
                        std::vector<std::pair<std::string, std::string>> details) {
  response r = error_response(core::error{code, std::move(message), std::move(details)});
  r.status = status;
  return r;
}

response error_response(int status, std::string_view code, std::string message,
                        std::vector<std::pair<std::string, std::string>> details) {
  nlohmann::json d = nlohmann::json::object();
  for (auto& [k, v] : details) d[k] = v;
  response r;
  r.status = status;
  r.body = nlohmann::json{{"error", {{"code", code}, {"message", std::move(message)}, {"details", std::move(d)}}}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

response confluent_error(int status, int confluent_code, std::string message) {
  response r;
  r.status = status;
  r.body = nlohmann::json{{"error_code", confluent_code}, {"message", std::move(message)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

}  // namespace eventfabric::server

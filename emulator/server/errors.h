#pragma once
// One mapping from core errors to HTTP: status code and body. Every route
// answers in the platform error contract {"error":{"code","message","details"}}
// except the schema registry's, which answer {"error_code":N,"message":..}
// because Confluent clients parse that shape.

#include "emulator/core/error.h"
#include "emulator/server/http_types.h"

namespace eventfabric::server {

// HTTP status for a core error code (see errors.cc for the table).
int http_status(core::errc code) noexcept;

// A response in the platform error contract.
response error_response(const core::error& e);
response error_response(int status, core::errc code, std::string message,
                        std::vector<std::pair<std::string, std::string>> details = {});

// A response with a transport-level code that has no core equivalent, e.g.
// "MALFORMED_JSON", "UNSUPPORTED_MEDIA_TYPE", "METHOD_NOT_ALLOWED".
response error_response(int status, std::string_view code, std::string message,
                        std::vector<std::pair<std::string, std::string>> details = {});

// A response in Confluent's shape; `confluent_code` e.g. 40401 (subject not found).
response confluent_error(int status, int confluent_code, std::string message);

}  // namespace eventfabric::server

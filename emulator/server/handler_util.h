#pragma once
// Shared decode/guard helpers for handlers. Each returns either the decoded
// value or the error response to send, so a handler reads as
// decode -> guards -> delegate -> respond.

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "emulator/core/error.h"
#include "emulator/server/errors.h"
#include "emulator/server/http_types.h"

namespace eventfabric::server {

using json = nlohmann::json;

template <class T>
using decoded = std::variant<T, response>;

// The body as JSON; 400 MALFORMED_JSON (with the parser's position) otherwise.
decoded<json> parse_json_body(const request& req);
// 415 unless the Content-Type is one of `accepted`.
std::optional<response> require_content_type(const request& req, std::span<const std::string_view> accepted);
inline std::optional<response> require_content_type(const request& req, std::initializer_list<std::string_view> accepted) {
  return require_content_type(req, std::span<const std::string_view>(accepted.begin(), accepted.size()));
}
// A non-negative integer path or query value; 400 naming `field` otherwise.
decoded<int64_t> parse_int(std::string_view text, std::string_view field, int64_t min = 0,
                           int64_t max = INT64_MAX);

// 426 UPGRADE_REQUIRED unless the request asks for a WebSocket upgrade.
std::optional<response> require_websocket(const request& req);
// ?from=end (default) or ?from=beginning; 400 otherwise. True = beginning.
decoded<bool> from_beginning(const request& req);

response json_response(int status, const json& body, std::string content_type = "application/json");
// A body already written as JSON text (core::json_writer).
response json_text_response(int status, std::string body, std::string content_type = "application/json");
response no_content();

// Typed field access; errors are errc::invalid_argument naming the field
// (details {"field": field}). For decoders shared outside HTTP (declare.h).
core::result<std::string> get_string(const json& obj, const char* field, bool required = true);
core::result<std::optional<int64_t>> get_int(const json& obj, const char* field, int64_t min, int64_t max);
core::result<bool> get_bool(const json& obj, const char* field, bool fallback);

// The same as responses (400 in the error contract), for handlers.
decoded<std::string> string_field(const json& obj, const char* field, bool required = true);
decoded<std::optional<int64_t>> int_field(const json& obj, const char* field, int64_t min, int64_t max);
decoded<bool> bool_field(const json& obj, const char* field, bool fallback);

// A JSON value is treated as a platform envelope (and validated) when it is an
// object carrying any envelope field; other values pass through untouched.
bool looks_like_envelope(const json& v);

}  // namespace eventfabric::server

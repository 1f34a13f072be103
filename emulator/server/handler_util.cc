#include "emulator/server/handler_util.h"

#include <cctype>
#include <charconv>

namespace eventfabric::server {

decoded<json> parse_json_body(const request& req) {
  if (req.body.empty())
    return error_response(400, "MALFORMED_JSON", "the request body is empty; a JSON document is expected");
  try {
    return json::parse(req.body);
  } catch (const json::parse_error& e) {
    // nlohmann also rejects invalid UTF-8 here.
    return error_response(400, "MALFORMED_JSON", std::string("the request body is not valid JSON: ") + e.what(),
                          {{"position", std::to_string(e.byte)}});
  }
}

std::optional<response> require_content_type(const request& req, std::span<const std::string_view> accepted) {
  const std::string ct = req.content_type();
  for (auto a : accepted)
    if (ct == a) return std::nullopt;
  std::string list;
  for (auto a : accepted) list += (list.empty() ? "" : ", ") + std::string(a);
  return error_response(415, "UNSUPPORTED_MEDIA_TYPE",
                        "Content-Type '" + ct + "' is not supported here; use one of: " + list,
                        {{"content_type", ct}});
}

decoded<int64_t> parse_int(std::string_view text, std::string_view field, int64_t min, int64_t max) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < min || v > max)
    return error_response(400, core::errc::invalid_argument,
                          std::string(field) + " must be an integer between " + std::to_string(min) + " and " +
                              std::to_string(max) + ", not '" + std::string(text.substr(0, 64)) + "'",
                          {{"field", std::string(field)}});
  return v;
}

std::optional<response> require_websocket(const request& req) {
  std::string up(req.header("upgrade"));
  for (auto& c : up) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (up == "websocket") return std::nullopt;
  auto r = error_response(426, "UPGRADE_REQUIRED",
                          "this route streams over WebSocket: send Connection: Upgrade and Upgrade: websocket");
  r.headers.emplace_back("Upgrade", "websocket");
  r.headers.emplace_back("Connection", "Upgrade");
  return r;
}

decoded<bool> from_beginning(const request& req) {
  const auto from = req.param("from", "end");
  if (from == "beginning") return true;
  if (from == "end") return false;
  return error_response(400, core::errc::invalid_argument, "from must be \"beginning\" or \"end\"", {{"field", "from"}});
}

response json_response(int status, const json& body, std::string content_type) {
  response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

response json_text_response(int status, std::string body, std::string content_type) {
  response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

response no_content() {
  response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

core::result<std::string> get_string(const json& obj, const char* field, bool required) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) {
    if (!required) return std::string();
    return core::fail(core::errc::invalid_argument, std::string("missing field ") + field, {{"field", field}});
  }
  if (!it->is_string())
    return core::fail(core::errc::invalid_argument, std::string("field ") + field + " must be a string",
                      {{"field", field}});
  return it->get<std::string>();
}

core::result<std::optional<int64_t>> get_int(const json& obj, const char* field, int64_t min, int64_t max) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::optional<int64_t>{};
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
    return core::fail(core::errc::invalid_argument,
                      std::string("field ") + field + " must be an integer between " + std::to_string(min) +
                          " and " + std::to_string(max),
                      {{"field", field}});
  return std::optional<int64_t>{it->get<int64_t>()};
}

core::result<bool> get_bool(const json& obj, const char* field, bool fallback) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_boolean())
    return core::fail(core::errc::invalid_argument, std::string("field ") + field + " must be true or false",
                      {{"field", field}});
  return it->get<bool>();
}

decoded<std::string> string_field(const json& obj, const char* field, bool required) {
  auto r = get_string(obj, field, required);
  if (!r) return error_response(400, r.error().code, r.error().message, r.error().details);
  return std::move(*r);
}

decoded<std::optional<int64_t>> int_field(const json& obj, const char* field, int64_t min, int64_t max) {
  auto r = get_int(obj, field, min, max);
  if (!r) return error_response(400, r.error().code, r.error().message, r.error().details);
  return *r;
}

decoded<bool> bool_field(const json& obj, const char* field, bool fallback) {
  auto r = get_bool(obj, field, fallback);
  if (!r) return error_response(400, r.error().code, r.error().message, r.error().details);
  return *r;
}

bool looks_like_envelope(const json& v) {
  if (!v.is_object()) return false;
  for (const char* f : {"id", "type", "payload", "metadata", "trace_id", "correlation_id", "occurred_at"})
    if (v.contains(f)) return true;
  return false;
}

}  // namespace eventfabric::server

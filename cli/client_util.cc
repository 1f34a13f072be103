#include "cli/client_util.h"

#include <ostream>

namespace eventfabric::cli {

std::unique_ptr<http_connection> connect_or_report(const std::string& url, const char* command, io streams) {
  auto c = http_connection::open(url);
  if (!c) {
    streams.err << "eventfabric " << command << ": " << c.error().message << "\n";
    return nullptr;
  }
  return std::move(*c);
}

// The body of a 2xx answer; otherwise prints why and sets `exit_code`.
std::optional<std::string> text_of(core::result<http_result> r, const char* command, io streams, int& exit_code) {
  if (!r) {
    streams.err << "eventfabric " << command << ": " << r.error().message << "\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (r->status >= 200 && r->status < 300) return std::move(r->body);
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  std::string message = r->body;
  if (!j.is_discarded() && j.contains("error") && j["error"].is_object())
    message = j["error"].value("code", "") + ": " + j["error"].value("message", "");
  streams.err << "eventfabric " << command << ": HTTP " << r->status << " " << message << "\n";
  exit_code = r->status < 500 ? 1 : 2;
  return std::nullopt;
}

std::optional<nlohmann::json> call_json(http_connection& c, const char* command, io streams, int& exit_code,
                                        const std::string& method, const std::string& target, const std::string& body,
                                        const std::string& content_type, std::chrono::milliseconds timeout) {
  auto text = text_of(c.call(method, target, body, content_type, timeout), command, streams, exit_code);
  if (!text) return std::nullopt;
  if (text->empty()) return nlohmann::json::object();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(std::move(*text)) : j;
}

std::optional<std::string> call_text(http_connection& c, const char* command, io streams, int& exit_code,
                                     const std::string& method, const std::string& target) {
  return text_of(c.call(method, target), command, streams, exit_code);
}

std::string line(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace eventfabric::cli

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

std::optional<nlohmann::json> call_json(http_connection& c, const char* command, io streams, int& exit_code,
                                        const std::string& method, const std::string& target, const std::string& body,
                                        const std::string& content_type, std::chrono::milliseconds timeout) {
  auto r = c.call(method, target, body, content_type, timeout);
  if (!r) {
    streams.err << "eventfabric " << command << ": " << r.error().message << "\n";
    exit_code = 2;
    return std::nullopt;
  }
  if (r->status >= 200 && r->status < 300) {
    if (r->body.empty()) return nlohmann::json::object();
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    return j.is_discarded() ? nlohmann::json(r->body) : j;
  }
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  std::string message = r->body;
  if (!j.is_discarded() && j.contains("error") && j["error"].is_object())
    message = j["error"].value("code", "") + ": " + j["error"].value("message", "");
  streams.err << "eventfabric " << command << ": HTTP " << r->status << " " << message << "\n";
  exit_code = r->status < 500 ? 1 : 2;
  return std::nullopt;
}

std::string line(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace eventfabric::cli

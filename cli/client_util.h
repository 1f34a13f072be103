#pragma once
// Shared plumbing of the client commands (produce, consume, publish, ...):
// the --url option, connecting, and turning server errors into a message on
// stderr and an exit code (1: the server refused the data, 2: usage,
// connection or server failure).

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/http.h"

namespace eventfabric::cli {

// Adds --url (default: $EVENTFABRIC_URL or http://127.0.0.1:8095).
inline void add_url_option(CLI::App* cmd, std::string& url) {
  url = default_url();
  cmd->add_option("--url", url, "Server URL (or set EVENTFABRIC_URL)")->capture_default_str();
}

// Connects; on failure prints why and returns nullptr.
std::unique_ptr<http_connection> connect_or_report(const std::string& url, const char* command, io streams);

// Calls and expects a 2xx; otherwise prints the error contract message and
// sets `exit_code` (1 for 4xx, 2 otherwise; no answer within `timeout` is 2).
// Returns the parsed body on success.
std::optional<nlohmann::json> call_json(http_connection& c, const char* command, io streams, int& exit_code,
                                        const std::string& method, const std::string& target,
                                        const std::string& body = "",
                                        const std::string& content_type = "application/json",
                                        std::chrono::milliseconds timeout = http_connection::default_timeout);

// As call_json, but returns the body's text on success (for callers that scan it).
std::optional<std::string> call_text(http_connection& c, const char* command, io streams, int& exit_code,
                                     const std::string& method, const std::string& target);
// The same for the result of a call made elsewhere (e.g. on another thread).
std::optional<std::string> text_of(core::result<http_result> r, const char* command, io streams, int& exit_code);

// The deadline of a long poll that waits `wait_ms` on the server.
inline std::chrono::milliseconds long_poll_timeout(int64_t wait_ms) {
  return std::chrono::milliseconds(wait_ms) + http_connection::default_timeout;
}

// One compact JSON line, invalid UTF-8 replaced.
std::string line(const nlohmann::json& j);

void add_topic_clients(CLI::App& app, io streams, int& exit_code);
void add_queue_clients(CLI::App& app, io streams, int& exit_code);

}  // namespace eventfabric::cli

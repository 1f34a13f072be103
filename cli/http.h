#pragma once
// The CLI commands' connection to a running server (produce, consume,
// publish, ...): one keep-alive connection through http_client::client, with
// a deadline per call, and errors worded for a person at a terminal.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "emulator/core/error.h"

namespace eventfabric::cli {

struct http_result {
  int status = 0;
  std::string body;
};

// The server URL: --url, else $EVENTFABRIC_URL, else http://127.0.0.1:8095.
std::string default_url();

class http_connection {
 public:
  // `url` is http://host:port (an optional path prefix is kept).
  static core::result<std::unique_ptr<http_connection>> open(const std::string& url);
  ~http_connection();

  // How long one call may take when the caller names no deadline.
  static constexpr std::chrono::milliseconds default_timeout{30'000};

  // Errors are connection failures and calls without an answer within
  // `timeout`; any HTTP status is a result. A long poll passes its own wait
  // plus a margin.
  core::result<http_result> call(const std::string& method, const std::string& target, const std::string& body = "",
                                 const std::string& content_type = "application/json",
                                 std::chrono::milliseconds timeout = default_timeout);

 private:
  struct impl;
  explicit http_connection(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace eventfabric::cli

#pragma once
// A blocking HTTP/1.1 client for the CLI commands that talk to a running
// server (produce, consume, publish, ...). One keep-alive connection; Beast
// stays in http.cc.

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

  // Errors are connection failures only; any HTTP status is a result.
  core::result<http_result> call(const std::string& method, const std::string& target, const std::string& body = "",
                                 const std::string& content_type = "application/json");

 private:
  struct impl;
  explicit http_connection(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace eventfabric::cli

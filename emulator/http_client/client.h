#pragma once
// A blocking HTTP/1.1 client with a deadline per call (connect, write and
// read all count against it) and one keep-alive connection. Shared by the
// CLI's client commands, the harness's consumer protocol and the benches.
// Beast stays in client.cc.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/core/error.h"
#include "emulator/core/record.h"

namespace eventfabric::http_client {

struct reply {
  int status = 0;
  std::string body;
  std::string content_type;
};

// Why a call got no answer.
enum class failure_kind { connect, timeout, broken };
struct call_failure {
  failure_kind kind = failure_kind::broken;
  std::string what;
};

class client {
 public:
  client(std::string host, std::string port, std::string user_agent = "eventfabric");
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // One request. A reused keep-alive connection that turns out closed before
  // any answer is reconnected once. Any HTTP status is a reply.
  std::expected<reply, call_failure> call(std::string_view method, std::string_view target, std::string_view body,
                                          const std::vector<core::header>& headers,
                                          std::chrono::milliseconds timeout);
  void close();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace eventfabric::http_client

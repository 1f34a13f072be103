#pragma once
// A blocking HTTP/1.1 client for integration tests (the shared Beast one), and a child
// process wrapper for `eventfabric serve`. Tests only: it sleeps while waiting
// for a real server to come up.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <stdexcept>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "emulator/http_client/client.h"

namespace eventfabric::testing {

struct http_reply {
  int status = 0;
  std::string body;
  std::string content_type;
};

inline uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

// Tests' view of http_client::client: throws when a call gets no answer
// (connection refused, reset, or nothing within 30 s).
class http_client {
 public:
  explicit http_client(uint16_t port) : client_("127.0.0.1", std::to_string(port), "eventfabric-tests") {}

  http_reply call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& content_type = "application/json") {
    std::vector<core::header> headers;
    if (!body.empty() || method == "POST" || method == "PUT") headers.push_back({"Content-Type", content_type});
    auto r = client_.call(method, target, body, headers, std::chrono::seconds(30));
    if (!r) throw std::runtime_error(method + " " + target + ": " + r.error().what);
    return {r->status, std::move(r->body), std::move(r->content_type)};
  }

  void close() { client_.close(); }

 private:
  ::eventfabric::http_client::client client_;
};

// `eventfabric serve` as a child process on a free port.
class server_process {
 public:
  server_process(std::string binary, std::vector<std::string> args) : binary_(std::move(binary)), args_(std::move(args)) {}
  ~server_process() { kill_now(SIGKILL); }

  // Starts the server and waits (up to 10 s) until GET /health answers.
  bool start(uint16_t port) {
    port_ = port;
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<std::string> all = {binary_, "serve", "--port", std::to_string(port)};
      all.insert(all.end(), args_.begin(), args_.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(binary_.c_str(), argv.data());
      _exit(127);
    }
    for (int i = 0; i < 1000; ++i) {
      try {
        http_client c(port_);
        if (c.call("GET", "/health").status == 200) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Sends `sig` and reaps the child; returns its wait status.
  int kill_now(int sig) {
    if (pid_ <= 0) return 0;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  uint16_t port() const { return port_; }

 private:
  std::string binary_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace eventfabric::testing

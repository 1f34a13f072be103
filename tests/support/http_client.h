#pragma once
// A small blocking HTTP/1.1 client for integration tests (Beast), and a child
// process wrapper for `eventfabric serve`. Tests only: it sleeps while waiting
// for a real server to come up.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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

class http_client {
 public:
  explicit http_client(uint16_t port) : port_(port), stream_(io_) {}

  http_reply call(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::string& content_type = "application/json") {
    namespace http = boost::beast::http;
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        connect();
        http::request<http::string_body> req{http::string_to_verb(method), target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (!body.empty() || method == "POST" || method == "PUT") req.set(http::field::content_type, content_type);
        req.body() = body;
        req.prepare_payload();
        req.keep_alive(true);
        stream_.expires_after(std::chrono::seconds(30));
        http::write(stream_, req);
        boost::beast::flat_buffer buf;
        http::response<http::string_body> res;
        http::read(stream_, buf, res);
        if (!res.keep_alive()) close();
        return {static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::content_type])};
      } catch (const std::exception&) {
        close();  // a stale keep-alive connection: retry once on a fresh one
        if (attempt == 1) throw;
      }
    }
    return {};
  }

  void close() {
    boost::beast::error_code ec;
    stream_.socket().close(ec);
    connected_ = false;
  }

 private:
  void connect() {
    if (connected_) return;
    stream_.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    connected_ = true;
  }
  uint16_t port_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  bool connected_ = false;
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

#pragma once
// Shared by the HTTP benchmarks (http_bench.cc, push_bench.cc): a bare Beast
// server answering 200 to everything (the baseline, optionally told about
// each request), a blocking keep-alive client, an in-process http_server on
// its own thread, and the median. Everything listens on 127.0.0.1.
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "emulator/server/app.h"
#include "emulator/server/http_server.h"

namespace eventfabric::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Answers 200 "{}" to every request, on its own thread; `on_request` (may be
// empty) runs on that thread for each request before the answer.
class bare_server {
 public:
  using hook = std::function<void(const http::request<http::string_body>&)>;
  explicit bare_server(hook on_request = {}) : on_request_(std::move(on_request)) {
    asio::co_spawn(io_, accept(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~bare_server() {
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::awaitable<void> accept() {
    for (;;) {
      beast::error_code ec;
      auto s = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io_, session(std::move(s)), asio::detached);
    }
  }
  asio::awaitable<void> session(tcp::socket s) {
    beast::tcp_stream stream(std::move(s));
    beast::flat_buffer buf;
    for (;;) {
      http::request<http::string_body> req;
      beast::error_code ec;
      co_await http::async_read(stream, buf, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      if (on_request_) on_request_(req);
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      res.body() = "{}";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !req.keep_alive()) co_return;
    }
  }

  hook on_request_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_, {asio::ip::make_address("127.0.0.1"), 0}};
  std::thread thread_;
};

// A blocking HTTP/1.1 client over one keep-alive connection.
struct client {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buf;
  explicit client(uint16_t port) { stream.connect({asio::ip::make_address("127.0.0.1"), port}); }
  int call(const std::string& method, const std::string& target, const std::string& body,
           const std::string& type = "application/json", std::string* out = nullptr) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!body.empty()) req.set(http::field::content_type, type);
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    if (out) *out = std::move(res.body());
    return static_cast<int>(res.result_int());
  }
};

// An http_server for `a` on a free port, run on its own thread until destroyed.
class served {
 public:
  explicit served(server::app& a) {
    server::server_options so;
    so.port = 0;
    srv_ = std::make_unique<server::http_server>(a, so);
    (void)srv_->listen();
    thread_ = std::thread([this] { srv_->run(false); });
  }
  ~served() {
    srv_->stop();
    thread_.join();
  }
  uint16_t port() const { return srv_->port(); }

 private:
  std::unique_ptr<server::http_server> srv_;
  std::thread thread_;
};

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace eventfabric::bench

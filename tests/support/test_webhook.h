#pragma once
// A scripted HTTP webhook for push-delivery tests: a Beast server on
// 127.0.0.1 (a free port) running on its own thread. For every request the
// test's `script` decides the answer: a status and body, `drop` (close the
// connection without answering: a consumer crash), or `hang` (never answer:
// a timeout). Every request is recorded. Tests only.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace eventfabric::testing {

struct webhook_request {
  std::string target;
  std::map<std::string, std::string> headers;  // as sent (names as the client spelled them)
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct webhook_reply {
  int status = 200;
  std::string body;
  bool drop = false;  // close without answering
  bool hang = false;  // keep the connection open, never answer
};

class test_webhook {
 public:
  using script = std::function<webhook_reply(const webhook_request&)>;

  explicit test_webhook(script s) : script_(std::move(s)), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    boost::asio::co_spawn(io_, accept(), boost::asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~test_webhook() {
    io_.stop();
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url(const std::string& path = "/events") const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  std::vector<webhook_request> requests() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  std::size_t connections() const {
    std::lock_guard lock(mu_);
    return connections_;
  }

 private:
  boost::asio::awaitable<void> accept() {
    for (;;) {
      boost::beast::error_code ec;
      auto socket = co_await acceptor_.async_accept(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) co_return;
      {
        std::lock_guard lock(mu_);
        ++connections_;
      }
      boost::asio::co_spawn(io_, session(std::move(socket)), boost::asio::detached);
    }
  }

  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buf;
    for (;;) {
      http::request<http::string_body> req;
      boost::beast::error_code ec;
      co_await http::async_read(socket, buf, req, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) co_return;
      webhook_request r;
      r.target = std::string(req.target());
      for (const auto& f : req) r.headers[std::string(f.name_string())] = std::string(f.value());
      r.body = req.body();
      {
        std::lock_guard lock(mu_);
        seen_.push_back(r);
      }
      const webhook_reply reply = script_(r);
      if (reply.drop) {
        socket.close(ec);
        co_return;
      }
      if (reply.hang) {
        // Park the connection until the client gives up (it closes) or the webhook stops.
        co_await http::async_read(socket, buf, req, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        co_return;
      }
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      res.set(http::field::content_type, "application/json");
      res.body() = reply.body;
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      co_await http::async_write(socket, res, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec || !req.keep_alive()) co_return;
    }
  }

  script script_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<webhook_request> seen_;
  std::size_t connections_ = 0;
};

}  // namespace eventfabric::testing

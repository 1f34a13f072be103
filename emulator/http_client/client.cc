#include "emulator/http_client/client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace eventfabric::http_client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct client::impl {
  std::string host, port, user_agent;
  asio::io_context io;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs the io_context until the pending operation completes.
  void run() {
    io.restart();
    io.run();
  }

  std::optional<call_failure> connect(std::chrono::milliseconds timeout) {
    asio::ip::tcp::resolver resolver(io);
    beast::error_code ec;
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec) return call_failure{failure_kind::connect, "cannot resolve " + host + ":" + port + ": " + ec.message()};
    stream.emplace(io);
    stream->expires_after(timeout);
    stream->async_connect(endpoints, [&](beast::error_code e, const auto&) { ec = e; });
    run();
    if (ec) {
      stream.reset();
      return call_failure{ec == beast::error::timeout ? failure_kind::timeout : failure_kind::connect,
                          "cannot connect to " + host + ":" + port + ": " + ec.message()};
    }
    stream->socket().set_option(asio::ip::tcp::no_delay(true), ec);
    buffer.clear();
    // Beast reads into the buffer's free space (at least 512 bytes, at most
    // 64 KiB): without room a large response takes a read, an epoll wait and
    // a timer update per 512 bytes (139,809 reads for 70 MB of records).
    buffer.reserve(64 * 1024);
    return std::nullopt;
  }
};

client::client(std::string host, std::string port, std::string user_agent) : impl_(std::make_unique<impl>()) {
  impl_->host = std::move(host);
  impl_->port = std::move(port);
  impl_->user_agent = std::move(user_agent);
}

client::~client() = default;

void client::close() {
  if (impl_->stream) {
    beast::error_code ec;
    impl_->stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    impl_->stream.reset();
  }
}

std::expected<reply, call_failure> client::call(std::string_view method, std::string_view target,
                                                std::string_view body, const std::vector<core::header>& headers,
                                                std::chrono::milliseconds timeout) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->stream.has_value();
    if (!reused)
      if (auto f = impl_->connect(timeout)) return std::unexpected(*f);
    http::request<http::string_body> req{http::string_to_verb(std::string(method)), std::string(target), 11};
    req.set(http::field::host, impl_->host);
    req.set(http::field::user_agent, impl_->user_agent);
    for (const auto& h : headers) req.set(h.key, h.value);
    if (!body.empty() && req.find(http::field::content_type) == req.end())
      req.set(http::field::content_type, "application/json");
    req.body() = std::string(body);
    req.prepare_payload();
    req.keep_alive(true);

    beast::error_code ec;
    bool wrote = false;
    std::size_t read_bytes = 0;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    impl_->stream->expires_after(timeout);
    http::async_write(*impl_->stream, req, [&](beast::error_code e, std::size_t) {
      ec = e;
      wrote = !e;
      if (e) return;
      http::async_read(*impl_->stream, impl_->buffer, parser, [&](beast::error_code e2, std::size_t n) {
        ec = e2;
        read_bytes = n;
      });
    });
    impl_->run();
    if (!ec) {
      auto res = parser.release();
      if (!res.keep_alive()) close();
      return reply{static_cast<int>(res.result_int()), std::move(res.body()),
                   std::string(res[http::field::content_type])};
    }
    const bool timed_out = ec == beast::error::timeout;
    close();
    // A kept-alive connection the peer closed while idle: nothing was read, so retry once.
    if (reused && !timed_out && read_bytes == 0 && attempt == 0 &&
        (ec == http::error::end_of_stream || ec == asio::error::connection_reset || ec == asio::error::eof ||
         ec == asio::error::broken_pipe || !wrote))
      continue;
    return std::unexpected(call_failure{timed_out ? failure_kind::timeout : failure_kind::broken,
                                        std::string(method) + " " + std::string(target) + ": " + ec.message()});
  }
  return std::unexpected(call_failure{failure_kind::broken, "unreachable"});
}

}  // namespace eventfabric::http_client

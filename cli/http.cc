#include "cli/http.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>

#include "emulator/core/text.h"

namespace eventfabric::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string default_url() {
  if (const char* env = std::getenv("EVENTFABRIC_URL"); env && *env) return env;
  return "http://127.0.0.1:8095";
}

struct http_connection::impl {
  std::string host, port, prefix;
  asio::io_context io;
  beast::tcp_stream stream{io};
  bool connected = false;

  core::result<void> connect() {
    if (connected) return {};
    beast::error_code ec;
    asio::ip::tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, port, ec);
    if (!ec) {
      stream.expires_after(std::chrono::seconds(10));
      stream.connect(endpoints, ec);
    }
    if (ec)
      return core::fail(core::errc::not_found, "cannot connect to http://" + host + ":" + port + " (" + ec.message() +
                                                   "); is `eventfabric serve` running? Set --url or EVENTFABRIC_URL");
    connected = true;
    return {};
  }
};

http_connection::http_connection(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
http_connection::~http_connection() = default;

core::result<std::unique_ptr<http_connection>> http_connection::open(const std::string& url) {
  auto u = core::parse_http_url(url);
  if (!u) return std::unexpected(u.error());
  auto i = std::make_unique<impl>();
  i->host = std::move(u->host);
  i->port = std::move(u->port);
  i->prefix = std::move(u->target);  // a path prefix kept before every request target
  while (!i->prefix.empty() && i->prefix.back() == '/') i->prefix.pop_back();
  return std::unique_ptr<http_connection>(new http_connection(std::move(i)));
}

core::result<http_result> http_connection::call(const std::string& method, const std::string& target,
                                                 const std::string& body, const std::string& content_type) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto ok = impl_->connect(); !ok) return std::unexpected(ok.error());
    http::request<http::string_body> req{http::string_to_verb(method), impl_->prefix + target, 11};
    req.set(http::field::host, impl_->host);
    req.set(http::field::user_agent, "eventfabric-cli");
    if (!body.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    beast::error_code ec;
    impl_->stream.expires_after(std::chrono::seconds(120));
    http::write(impl_->stream, req, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (!ec) http::read(impl_->stream, buffer, res, ec);
    if (!ec) {
      if (!res.keep_alive()) {
        impl_->stream.socket().close(ec);
        impl_->connected = false;
      }
      return http_result{static_cast<int>(res.result_int()), std::move(res.body())};
    }
    // A keep-alive connection the server closed meanwhile: reconnect once.
    impl_->stream.socket().close(ec);
    impl_->connected = false;
    if (attempt == 1) return core::fail(core::errc::storage_error, "the request failed: " + ec.message());
  }
  return core::fail(core::errc::internal, "unreachable");
}

}  // namespace eventfabric::cli
